namespace Orderly.Checkout.Tests;

/// <summary>
/// The runtime contract on the Durable Task Framework's worker and Azure Storage backend (Azurite), and where this backend
/// differs from the others (orchestrations/README.md, "Where the runtimes differ").
/// </summary>
public sealed class AzureStorageRuntimeTests : SagaRuntimeContract
{
    protected override SagaRuntimeKind Runtime => SagaRuntimeKind.AzureStorage;

    [Fact]
    public async Task An_event_raised_before_the_instance_exists_is_discarded()
    {
        // Not a contract: what DurableTaskClient.RaiseEventAsync documents ("silently discarded"), and what Durable Functions
        // does in Azure. The in-process test host holds such an event, the embedded runner keeps it; the checkout relies on
        // neither, since it starts its saga before it sends any command a reply answers.
        await using var h = await StartAsync(new StepLog());

        await h.RaiseAsync("s1", "go-1", "too early");
        await Task.Delay(TimeSpan.FromSeconds(1)); // the worker has taken the message off its control queue by now
        await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 1_500));

        Assert.Equal("S1:B:TIMEOUT", SagaHarness.Output<string>(await h.WaitForEndAsync("s1")));
    }

    [Fact]
    public async Task A_saga_whose_session_ended_while_it_waited_reloads_its_history_and_goes_on()
    {
        // Extended sessions keep a saga's history in memory between its episodes (the cut docs/cost.md measures). When the
        // session idles out while the saga waits for a reply, the reply's episode must read the history again and go on
        // from where the saga was: the first step not run again, the event delivered.
        var log = new StepLog();
        await using var h = await SagaHarness.StartAsync(new AzureStorageTestRuntime(extendedSessionIdleTimeout: TimeSpan.FromSeconds(1)), TestSaga.Register(log));

        Assert.True(await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 30_000)));
        await h.WaitForAsync("s1", TestSaga.IsWaiting);
        await Task.Delay(TimeSpan.FromSeconds(3)); // the session, idle for more than its 1 s, has ended
        await h.RaiseAsync("s1", "go-1", "late");

        Assert.Equal("S1:B:LATE", SagaHarness.Output<string>(await h.WaitForEndAsync("s1")));
        Assert.Equal(1, log.Executions["s1:a"]);
    }
}
