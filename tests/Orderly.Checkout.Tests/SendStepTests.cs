using Microsoft.Extensions.DependencyInjection;
using Orderly.Contracts;
using Orderly.Messaging;
using Orderly.Orchestrations;
using Orderly.Orchestrations.Embedded;

namespace Orderly.Checkout.Tests;

/// <summary>
/// A step that only sends (the checkout's one step) is taken inside the turn that asks for it: its command is written in that
/// turn's unit of work, so an exchange (send, wait, reply) costs the units of two turns instead of four.
/// </summary>
public sealed class SendStepTests
{
    private const string Saga = "Exchange";
    private const string Send = "SendOne";
    private const string Queue = Destinations.InventoryCommands;

    // Sends one message, waits for its reply, ends with both.
    private static void Register(IServiceCollection services)
    {
        services.AddSaga<string, string>(Saga, async (_, ctx, text) =>
        {
            var id = await ctx.CallStepAsync<string>(Send, text);
            var reply = await ctx.WaitForEventAsync<string>("reply-to-" + id, TimeSpan.FromMinutes(5));
            return $"{id}:{reply.Payload}";
        });
        // The ordinary activity, for runners that run steps, and the plan the embedded runner takes in the turn.
        services.AddSagaActivity<string, string>(Send, async (sp, text, ct) =>
        {
            await sp.GetRequiredService<IMessagePublisher>().PublishAsync([MessageFor(text)], ct);
            return "m-" + text;
        });
        services.AddSagaSendStep<string, string>(Send, (_, text) => ("m-" + text, [MessageFor(text)]));
    }

    private static OutgoingMessage MessageFor(string text) => new(Queue, new Envelope
    {
        Id = "m-" + text,
        Type = "Test",
        Source = "/tests",
        Time = DateTimeOffset.UnixEpoch,
        CorrelationId = text,
        Data = System.Text.Json.JsonSerializer.SerializeToElement(new { text }),
    });

    [Fact]
    public async Task A_send_step_is_written_with_the_turn_that_asks_for_it_so_an_exchange_costs_three_units_from_start_to_end()
    {
        var runtime = new EmbeddedTestRuntime(EmbeddedTestRuntime.NewPath()) { WithBroker = true };
        await using var h = await SagaHarness.StartAsync(runtime, Register);
        var before = runtime.Database.CommitStats.Units;

        await h.StartAsync(Saga, "e1", "hello");
        await WaitForMessagesAsync(runtime, 1);
        await h.RaiseAsync("e1", "reply-to-m-hello", "world");
        var end = await h.WaitForEndAsync("e1");

        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.Equal("m-hello:world", SagaHarness.Output<string>(end));
        // The instance, the turn that journals the step with its command and arms the wait, the turn that takes the reply and
        // ends. Run as an ordinary step it was five: the send and the turn journaling its result came between.
        Assert.Equal(3, runtime.Database.CommitStats.Units - before);
        Assert.Equal(1, runtime.Broker.ActiveMessageCount(Queue));
    }

    [Fact]
    public async Task A_send_step_journaled_before_a_restart_is_not_sent_again_after_it()
    {
        var path = EmbeddedTestRuntime.NewPath();
        await using (var first = await SagaHarness.StartAsync(new EmbeddedTestRuntime(path) { WithBroker = true, DeleteOnDispose = false }, Register))
        {
            await first.StartAsync(Saga, "e2", "again");
            await WaitForMessagesAsync((EmbeddedTestRuntime)first.Runtime, 1);
        }

        var second = new EmbeddedTestRuntime(path) { WithBroker = true };
        await using var h = await SagaHarness.StartAsync(second, Register);
        await h.RaiseAsync("e2", "reply-to-m-again", "back");
        var end = await h.WaitForEndAsync("e2");

        Assert.Equal("m-again:back", SagaHarness.Output<string>(end));
        Assert.Equal(1, second.Broker.ActiveMessageCount(Queue)); // replayed from the journal: planned and sent once
    }

    [Fact]
    public async Task A_send_step_whose_plan_throws_fails_the_step_and_the_saga_hears_of_it()
    {
        var runtime = new EmbeddedTestRuntime(EmbeddedTestRuntime.NewPath()) { WithBroker = true };
        await using var h = await SagaHarness.StartAsync(runtime, services =>
        {
            services.AddSaga<string, string>(Saga, async (_, ctx, text) =>
            {
                try
                {
                    return await ctx.CallStepAsync<string>(Send, text);
                }
                catch (StepFailedException failed)
                {
                    return "failed: " + failed.ErrorMessage;
                }
            });
            services.AddSagaActivity<string, string>(Send, (_, text, _) => Task.FromResult(text));
            services.AddSagaSendStep<string, string>(Send, (_, _) => ("x", [new OutgoingMessage("no-such-queue", MessageFor("x").Envelope)]));
        });

        await h.StartAsync(Saga, "e3", "x");
        var end = await h.WaitForEndAsync("e3");

        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.StartsWith("failed: ", SagaHarness.Output<string>(end));
        Assert.Contains("no-such-queue", SagaHarness.Output<string>(end));
    }

    private static async Task WaitForMessagesAsync(EmbeddedTestRuntime runtime, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (runtime.Broker.ActiveMessageCount(Queue) < count)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{Queue} did not get {count} message(s).");
            await Task.Delay(10);
        }
    }
}
