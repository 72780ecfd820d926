using System.Diagnostics.Metrics;

namespace Orderly.Messaging.Tracing;

/// <summary>
/// The shop's metrics instruments, on the one <see cref="Meter"/> every host exports (OTLP, Azure Monitor) and the local host
/// reads in process (<c>/api/admin/metrics</c>, <c>/api/admin/stats</c>). A measurement nobody listens to costs a flag check.
/// </summary>
public static class OrderlyMetrics
{
    /// <summary>The meter name hosts add to their metrics pipeline (the same as the activity source's).</summary>
    public const string MeterName = OrderlyTelemetry.SourceName;

    /// <summary>Orders accepted (<c>202</c>), counted once: an idempotent repeat of the same order is not a second one.</summary>
    public const string OrdersPlacedName = "orderly.orders.placed";

    /// <summary>Checkout sagas ended, tagged <see cref="OutcomeTag"/>: completed, compensated or failed.</summary>
    public const string CheckoutsName = "orderly.checkouts";

    /// <summary>How long a saga step took, from the command being asked to its outcome (reply, refusal or time-out), tagged <see cref="StepTag"/>.</summary>
    public const string StepDurationName = "orderly.saga.step.duration";

    /// <summary>Messages a consumer handled (settled), tagged <see cref="EntityTag"/>.</summary>
    public const string MessagesHandledName = "orderly.messages.handled";

    /// <summary>Messages waiting in a queue or subscription (visible, scheduled or locked), tagged <see cref="EntityTag"/>.</summary>
    public const string ActiveMessagesName = "orderly.messaging.active";

    /// <summary>Dead letters of a queue or subscription awaiting triage, tagged <see cref="EntityTag"/>.</summary>
    public const string DeadLettersName = "orderly.messaging.dead_lettered";

    /// <summary>The tag of a checkout's outcome.</summary>
    public const string OutcomeTag = "orderly.checkout.outcome";

    /// <summary>The tag of a saga step's name.</summary>
    public const string StepTag = "orderly.saga.step";

    /// <summary>The tag of a queue or subscription (as the messaging conventions name it).</summary>
    public const string EntityTag = "messaging.destination.name";

    /// <summary>The meter; hosts create their observable gauges (queue depths) on it.</summary>
    public static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> OrdersPlaced =
        Meter.CreateCounter<long>(OrdersPlacedName, "{order}", "Orders accepted.");

    private static readonly Counter<long> Checkouts =
        Meter.CreateCounter<long>(CheckoutsName, "{checkout}", "Checkout sagas ended, by outcome.");

    private static readonly Histogram<double> StepDuration =
        Meter.CreateHistogram<double>(StepDurationName, "s", "Saga step duration, from asking to the outcome.");

    private static readonly Counter<long> MessagesHandled =
        Meter.CreateCounter<long>(MessagesHandledName, "{message}", "Messages handled by a consumer.");

    /// <summary>Counts an order accepted.</summary>
    public static void OrderPlaced() => OrdersPlaced.Add(1);

    /// <summary>Counts a checkout ended with <paramref name="outcome"/> (completed, compensated or failed).</summary>
    public static void CheckoutEnded(string outcome) => Checkouts.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome));

    /// <summary>Records how long the saga step <paramref name="step"/> took.</summary>
    public static void StepFinished(string step, TimeSpan duration)
    {
        if (StepDuration.Enabled)
            StepDuration.Record(Math.Max(0, duration.TotalSeconds), new KeyValuePair<string, object?>(StepTag, step));
    }

    /// <summary>Counts a message handled on <paramref name="entity"/>.</summary>
    public static void MessageHandled(string entity) => MessagesHandled.Add(1, new KeyValuePair<string, object?>(EntityTag, entity));
}
