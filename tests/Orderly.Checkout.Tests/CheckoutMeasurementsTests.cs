using System.Diagnostics.Metrics;
using Orderly.Checkout.Saga;
using Orderly.Messaging.Tracing;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

/// <summary>
/// The checkout's metrics count what happened, once: a saga replayed from its history walks past the steps it already measured,
/// so a step's duration and the checkout's outcome are recorded on the turn that saw them, never again on a replay.
/// </summary>
public sealed class CheckoutMeasurementsTests
{
    // Other tests run sagas in parallel in this process: only the measurements made in this test's async flow are counted.
    private static readonly AsyncLocal<List<string>?> Measured = new();

    [Fact]
    public async Task A_replay_measures_only_the_steps_and_outcome_it_sees_for_the_first_time()
    {
        using var listener = Listen();
        var first = new ScriptedSagaContext(Script());
        var firstRun = await Record(() => CheckoutSaga.RunAsync(first, Input()));

        Assert.Equal(
            ["step ReserveStock", "step AuthorizePayment", "step CreateShipment", "step CapturePayment", "step CommitStock", "step ConfirmOrder", "checkout completed"],
            firstRun);

        // The turn that receives the last reply: everything before it is replayed from the history.
        var lastTurn = new ScriptedSagaContext(Script(), first.Actions, first.Actions.Count - 1);
        var replayed = await Record(() => CheckoutSaga.RunAsync(lastTurn, Input()));

        Assert.Equal(["step ConfirmOrder", "checkout completed"], replayed);
    }

    private static async Task<List<string>> Record(Func<Task<CheckoutStatus>> run)
    {
        var measured = new List<string>();
        Measured.Value = measured;
        await run();
        Measured.Value = null;
        return measured;
    }

    private static MeterListener Listen()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == OrderlyMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (instrument.Name == OrderlyMetrics.StepDurationName) Measured.Value?.Add("step " + Tag(tags, OrderlyMetrics.StepTag));
        });
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (instrument.Name == OrderlyMetrics.CheckoutsName) Measured.Value?.Add("checkout " + Tag(tags, OrderlyMetrics.OutcomeTag));
        });
        listener.Start();
        return listener;
    }

    private static object? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
            if (tag.Key == key) return tag.Value;
        return null;
    }
}
