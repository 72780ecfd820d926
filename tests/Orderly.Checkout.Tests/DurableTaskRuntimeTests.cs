namespace Orderly.Checkout.Tests;

/// <summary>The runtime contract on the real Durable Task engine (in process), and where Durable differs from the embedded runner.</summary>
public sealed class DurableTaskRuntimeTests : SagaRuntimeContract
{
    protected override SagaRuntimeKind Runtime => SagaRuntimeKind.DurableTask;

    [Fact]
    public async Task An_event_raised_before_the_instance_exists_is_held_by_the_in_process_host_until_it_starts()
    {
        // Not a contract: DurableTaskClient.RaiseEventAsync says events for a non-existent instance "will be silently
        // discarded" (so does the Azure Storage backend), and this host keeps retrying its delivery, logging "Could not find
        // an orchestration instance ID", until the instance exists. The embedded runner keeps such events on purpose. The
        // checkout relies on neither: it starts its saga before it sends the command any reply answers.
        await using var h = await StartAsync(new StepLog());

        await h.RaiseAsync("s1", "go-1", "first");
        await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 10_000));

        Assert.Equal("S1:B:FIRST", SagaHarness.Output<string>(await h.WaitForEndAsync("s1")));
    }

    [Fact]
    public async Task An_event_name_matches_whatever_its_case()
    {
        // TaskOrchestrationContext.WaitForExternalEvent: "Event names are case-insensitive". The embedded runner matches exactly;
        // the checkout's reply door lets through only step ids in the saga's own case (CheckoutMessageIds.TryReadStep).
        await using var h = await StartAsync(new StepLog());

        await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 10_000));
        await h.WaitForAsync("s1", TestSaga.IsWaiting);
        await h.RaiseAsync("s1", "GO-1", "shouted");

        Assert.Equal("S1:B:SHOUTED", SagaHarness.Output<string>(await h.WaitForEndAsync("s1")));
    }
}
