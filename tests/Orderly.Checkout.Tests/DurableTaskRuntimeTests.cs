using Orderly.Orchestrations;
using Orderly.Orchestrations.Durable;

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

    [Fact]
    public async Task A_saga_that_awaits_outside_its_context_is_left_Running_for_ever()
    {
        // The worker only sees a saga's own actions: a continuation after Task.Delay never reaches it. The embedded runner fails
        // such a saga (EmbeddedSagaRunnerTests); the Functions worker fails it too ("An invalid asynchronous invocation was
        // detected", DurableTaskFunctionsMiddleware); a plain Durable Task worker, as here, leaves it hanging.
        await using var h = await StartAsync(services =>
            services.AddSaga<string, string>("Sleepy", async (_, _, _) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50)); // forbidden in a saga: not durable, not replayable
                return "woke";
            }));

        await h.StartAsync("Sleepy", "z1", "x");
        await h.WaitForAsync("z1", s => s.RuntimeStatus == SagaRuntimeStatus.Running);
        await Task.Delay(TimeSpan.FromSeconds(1)); // twenty times the delay: the saga would long have returned

        var status = await h.StatusAsync("z1");
        Assert.Equal(SagaRuntimeStatus.Running, status!.RuntimeStatus);
        Assert.Null(status.Output);
    }

    [Fact]
    public async Task A_function_apps_ports_use_the_client_of_the_invocation_in_scope_and_none_outside_it()
    {
        // How the checkout Function App wires them: AddDurableSagaRuntime(_ => DurableClientScope.Current), and each trigger
        // runs its call through DurableClientScope.RunAsync with its [DurableClient] binding.
        await using var h = await StartAsync(new StepLog());
        var invocationClient = ((DurableTaskTestRuntime)h.Runtime).Host.Client;
        var ports = new DurableSagaClient(() => DurableClientScope.Current);

        await Assert.ThrowsAsync<InvalidOperationException>(() => ports.GetStatusAsync("s1"));
        Assert.True(await DurableClientScope.RunAsync(invocationClient, () => ports.StartIfNotExistsAsync(TestSaga.Name, "s1", new Plan("go-1", 100))));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ports.GetStatusAsync("s1")); // the scope ended with the call
        var end = await DurableClientScope.RunAsync(invocationClient, () => ports.WaitForEndAsync("s1"));
        Assert.Equal("S1:B:TIMEOUT", SagaHarness.Output<string>(end));
    }
}
