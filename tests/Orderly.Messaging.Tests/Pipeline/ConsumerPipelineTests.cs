using System.Text;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Messaging.Tracing;
using Orderly.Resilience;
using Orderly.Storage;

namespace Orderly.Messaging.Tests.Pipeline;

public sealed class ConsumerPipelineTests
{
    private const string ValidData = """{"orderId":"o-1","total":{"amount":10,"currency":"EUR"}}""";

    private static string EnvelopeText(string type, string data) =>
        $$"""{"specversion":"1.0","id":"{{Guid.NewGuid():N}}","type":"{{type}}","source":"/tests","time":"2026-01-01T00:00:00Z","correlationid":"c-1","data":{{data}}}""";

    public static TheoryData<string, string> BrokenMessages => new()
    {
        { "{ \"specversion\": \"1.0\", ", ContractViolationReason.MalformedJson },
        { """{"hello":"world"}""", ContractViolationReason.NotACloudEvent },
        { EnvelopeText("orderly.nowhere.something-happened.v1", ValidData), ContractViolationReason.UnknownType },
        { EnvelopeText("orderly.orders.confirm-order.v1", """{"total":{"amount":10,"currency":"EUR"}}"""), ContractViolationReason.InvalidData },
    };

    [Theory]
    [MemberData(nameof(BrokenMessages))]
    public async Task A_broken_message_is_dead_lettered_once_with_its_reason_and_never_handled(string body, string reason)
    {
        await using var h = await PipelineHarness.StartAsync();
        await h.SendAsync(body);

        await h.ConsumeUntilAsync(async () => (await h.DeadLettersAsync()).Count > 0 && h.Broker.ActiveMessageCount(PipelineHarness.Queue) == 0);

        var dead = Assert.Single(await h.DeadLettersAsync());
        Assert.Equal(reason, dead.Reason);
        Assert.Equal(1, dead.DeliveryCount); // at once, never retried
        Assert.Equal(0, h.Probe.Invocations);
        Assert.Single(h.Logs.Lines, l => l.EventId.Id == ConsumerPipelineLog.DeadLettered.Id && l.Message.Contains(reason));
    }

    [Fact]
    public async Task A_known_message_no_handler_takes_on_a_queue_is_dead_lettered_as_no_handler()
    {
        await using var h = await PipelineHarness.StartAsync();
        var cancel = EnvelopeJson.Create(new CancelOrder("o-1", "timeout"), "m-1", "/tests", DateTimeOffset.UtcNow, "o-1");

        var settlement = await h.ProcessAsync(EnvelopeJson.Serialize(cancel));

        Assert.Equal(["dead-letter"], settlement.Calls);
        Assert.Equal(DeadLetterReasons.NoHandler, settlement.DeadLetterReason);
    }

    [Fact]
    public async Task A_message_a_subscription_does_not_handle_is_completed_not_dead_lettered()
    {
        await using var h = await PipelineHarness.StartAsync();

        var settlement = await h.ProcessAsync(PipelineHarness.ConfirmOrderBody("o-1"), entity: PipelineHarness.Subscription);

        Assert.Equal(["complete"], settlement.Calls);
        Assert.Equal(0, h.Probe.Invocations);
    }

    [Fact]
    public async Task The_same_message_delivered_three_times_has_one_effect()
    {
        await using var h = await PipelineHarness.StartAsync();
        var body = PipelineHarness.ConfirmOrderBody("o-1", messageId: "m-1");

        for (var i = 0; i < 3; i++)
            Assert.Equal(["complete"], (await h.ProcessAsync(body)).Calls);

        Assert.Equal(new Effect(1, "m-1"), await h.EffectOfAsync("o-1"));
        Assert.Single(await h.PendingOutboxAsync());
        Assert.Equal(2, h.Logs.Count(ConsumerPipelineLog.DuplicateDropped));
    }

    [Fact]
    public async Task Copies_of_a_message_handled_at_the_same_time_have_one_effect()
    {
        await using var h = await PipelineHarness.StartAsync();
        var body = PipelineHarness.ConfirmOrderBody("o-1", messageId: "m-1");

        var settlements = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => h.ProcessAsync(body))));

        Assert.Equal(new Effect(1, "m-1"), await h.EffectOfAsync("o-1"));
        Assert.Single(await h.PendingOutboxAsync());
        Assert.Empty(h.Logs.Lines.Where(l => l.EventId.Id == ConsumerPipelineLog.RetryScheduled.Id).Select(l => l.Exception?.ToString()));
        Assert.All(settlements, s => Assert.Equal(["complete"], s.Calls));
    }

    [Fact]
    public async Task A_handler_that_always_fails_transiently_is_dead_lettered_after_exactly_max_delivery_count_attempts()
    {
        await using var h = await PipelineHarness.StartAsync(maxDeliveryCount: 4);
        h.Probe.Before = _ => throw new TimeoutException("the payment provider did not answer");
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));

        await h.ConsumeUntilAsync(async () => (await h.DeadLettersAsync()).Count > 0);

        var dead = Assert.Single(await h.DeadLettersAsync());
        Assert.Equal(DeadLetterReasons.MaxDeliveryExceeded, dead.Reason);
        Assert.Contains("TimeoutException", dead.Description);
        Assert.Equal(4, h.Probe.Invocations);
        Assert.Equal(3, h.Logs.Count(ConsumerPipelineLog.RetryScheduled));
        Assert.Null(await h.EffectOfAsync("o-1"));
    }

    /// <summary>A dependency that said when to come back (an open circuit, a throttled store).</summary>
    private sealed class ComeBackLater(TimeSpan after) : Exception("the circuit is open"), IRetryAfterHint
    {
        public TimeSpan? RetryAfter { get; } = after;
    }

    [Fact]
    public async Task A_failure_that_says_when_to_come_back_is_retried_then_without_spending_the_attempts_that_dead_letter()
    {
        // Both limits at 3, the pipeline's and the broker's own; the circuit stays open for six deliveries, then closes.
        await using var h = await PipelineHarness.StartAsync(maxDeliveryCount: 3, topology: PipelineHarness.DefaultTopology(brokerMaxDeliveryCount: 3));
        var hint = TimeSpan.FromMilliseconds(150);
        var invokedAt = new List<DateTime>();
        h.Probe.Before = _ =>
        {
            lock (invokedAt) invokedAt.Add(DateTime.UtcNow);
            return h.Probe.Invocations <= 6 ? throw new ComeBackLater(hint) : Task.CompletedTask;
        };
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));

        await h.ConsumeUntilAsync(async () => await h.EffectOfAsync("o-1") is not null);

        Assert.Empty(await h.DeadLettersAsync());
        Assert.Equal(1, (await h.EffectOfAsync("o-1"))!.Count);
        Assert.Equal(7, h.Probe.Invocations);
        Assert.Equal(6, h.Logs.Count(ConsumerPipelineLog.RetryDeferred));
        Assert.Equal(0, h.Logs.Count(ConsumerPipelineLog.RetryScheduled));
        // Each retry came after the hint, not at the backoff's 1-5 ms.
        for (var i = 1; i < invokedAt.Count; i++)
            Assert.True(invokedAt[i] - invokedAt[i - 1] >= hint - TimeSpan.FromMilliseconds(20), $"retry {i} came {(invokedAt[i] - invokedAt[i - 1]).TotalMilliseconds} ms after the failure");
    }

    [Fact]
    public async Task Past_its_deferrals_a_failure_with_a_hint_spends_attempts_and_is_dead_lettered()
    {
        await using var h = await PipelineHarness.StartAsync(maxDeliveryCount: 3, maxDeferrals: 2);
        h.Probe.Before = _ => throw new ComeBackLater(TimeSpan.FromMilliseconds(10));
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));

        await h.ConsumeUntilAsync(async () => (await h.DeadLettersAsync()).Count > 0);

        Assert.Equal(DeadLetterReasons.MaxDeliveryExceeded, Assert.Single(await h.DeadLettersAsync()).Reason);
        Assert.Equal(2 + 3, h.Probe.Invocations);
        Assert.Equal(2, h.Logs.Count(ConsumerPipelineLog.RetryDeferred));
    }

    [Fact]
    public async Task Attempts_made_on_earlier_copies_count_towards_the_limit()
    {
        // Service Bus backoff schedules a copy (delivery count 1) carrying the attempts made before it.
        await using var h = await PipelineHarness.StartAsync(maxDeliveryCount: 4);
        h.Probe.Before = _ => throw new TimeoutException("still down");
        var copy = new ReceivedMessage("m-2", PipelineHarness.ConfirmOrderBody("o-1"), PipelineHarness.Queue, 1, DateTimeOffset.UtcNow,
            new Dictionary<string, string> { [ReceivedMessage.PriorAttemptsProperty] = "3" });
        var settlement = new RecordingSettlement();

        await h.Pipeline.ProcessAsync(PipelineHarness.Queue, copy, settlement, CancellationToken.None);

        Assert.Equal(["dead-letter"], settlement.Calls);
        Assert.Equal(DeadLetterReasons.MaxDeliveryExceeded, settlement.DeadLetterReason);
    }

    [Fact]
    public async Task A_permanent_failure_is_dead_lettered_on_the_first_attempt()
    {
        await using var h = await PipelineHarness.StartAsync(maxDeliveryCount: 4);
        h.Probe.Before = m => throw new PermanentFailureException("order-not-found", $"There is no order {m.OrderId}.");
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));

        await h.ConsumeUntilAsync(async () => (await h.DeadLettersAsync()).Count > 0);

        var dead = Assert.Single(await h.DeadLettersAsync());
        Assert.Equal("order-not-found", dead.Reason);
        Assert.Equal(1, h.Probe.Invocations);
    }

    [Fact]
    public async Task A_handler_whose_write_loses_a_race_leaves_no_outgoing_message_and_is_retried()
    {
        await using var h = await PipelineHarness.StartAsync();
        await h.Store.CreateAsync("o-1", Effect.Id, Effect.Kind, new Effect(5, "earlier"));
        // Another writer changes the aggregate after the handler read it: the handler's ETag is now stale.
        h.Probe.AfterRead = ctx => h.Store.UpsertAsync("o-1", Effect.Id, Effect.Kind, new Effect(100, "other-writer"));

        var settlement = await h.ProcessAsync(PipelineHarness.ConfirmOrderBody("o-1", messageId: "m-1"));

        Assert.Equal(["retry"], settlement.Calls);
        Assert.Equal(new Effect(100, "other-writer"), await h.EffectOfAsync("o-1")); // never overwritten
        Assert.Empty(await h.PendingOutboxAsync());                                 // the staged event went with the write
        Assert.Null(await h.Store.ReadAsync("o-1", InboxRecord.DocumentId("m-1")));  // so the retry will handle it
    }

    [Fact]
    public async Task A_handler_that_loses_a_race_once_is_handled_again_at_once_from_fresh_reads_not_redelivered()
    {
        await using var h = await PipelineHarness.StartAsync();
        await h.Store.CreateAsync("o-1", Effect.Id, Effect.Kind, new Effect(5, "earlier"));
        var raced = 0;
        // The first run's read goes stale (another writer lands in between); the second run reads that write and wins.
        h.Probe.AfterRead = ctx => Interlocked.Increment(ref raced) == 1
            ? h.Store.UpsertAsync("o-1", Effect.Id, Effect.Kind, new Effect(100, "other-writer"))
            : Task.CompletedTask;

        var settlement = await h.ProcessAsync(PipelineHarness.ConfirmOrderBody("o-1", messageId: "m-1"));

        Assert.Equal(["complete"], settlement.Calls);                              // no trip through the broker's backoff
        Assert.Equal(2, h.Probe.Invocations);
        Assert.Equal(new Effect(101, "m-1"), await h.EffectOfAsync("o-1"));         // decided again on the other writer's state
        Assert.Single(await h.PendingOutboxAsync());                                // one event: only the winning run's
        Assert.NotNull(await h.Store.ReadAsync("o-1", InboxRecord.DocumentId("m-1")));
        Assert.Equal(0, h.Logs.Count(ConsumerPipelineLog.RetryScheduled));
    }

    [Fact]
    public async Task The_incoming_trace_id_continues_into_outgoing_envelopes_and_every_log_line()
    {
        await using var h = await PipelineHarness.StartAsync();
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        var body = PipelineHarness.ConfirmOrderBody("o-1", traceParent: $"00-{traceId}-b7ad6b7169203331-01");

        Assert.Equal(["complete"], (await h.ProcessAsync(body)).Calls);

        var outgoing = Assert.Single(await h.PendingOutboxAsync()).ToOutgoing().Envelope;
        Assert.Equal(traceId, OrderlyTelemetry.TraceIdOf(outgoing.TraceParent));
        Assert.NotEqual($"00-{traceId}-b7ad6b7169203331-01", outgoing.TraceParent); // a child span, not a copy
        Assert.Equal("o-1", outgoing.CorrelationId);
        var handlerLine = Assert.Single(h.Logs.Lines, l => l.Message.StartsWith("Probe applied", StringComparison.Ordinal));
        Assert.Equal(traceId, handlerLine.Scope["TraceId"]);
        Assert.Equal("o-1", handlerLine.Scope["CorrelationId"]);
        Assert.All(h.Logs.Lines.Where(l => l.Category.Contains("ConsumerPipeline", StringComparison.Ordinal)),
            l => Assert.Equal(traceId, l.Scope["TraceId"]));
    }

    [Fact]
    public async Task A_settlement_that_fails_is_reported_to_the_caller_so_the_message_comes_back()
    {
        await using var h = await PipelineHarness.StartAsync();
        var message = new ReceivedMessage("m-1", PipelineHarness.ConfirmOrderBody("o-1"), PipelineHarness.Queue, 1, DateTimeOffset.UtcNow, new Dictionary<string, string>());

        await Assert.ThrowsAsync<IOException>(() => h.Pipeline.ProcessAsync(PipelineHarness.Queue, message, new FailingSettlement(), CancellationToken.None));
        Assert.Equal(1, h.Logs.Count(ConsumerPipelineLog.SettlementFailed));
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_stays_within_the_maximum()
    {
        var options = new ConsumerPipelineOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) };

        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(options.Backoff(1).TotalMilliseconds, 50, 100);
            Assert.InRange(options.Backoff(3).TotalMilliseconds, 200, 400);
            Assert.InRange(options.Backoff(30).TotalMilliseconds, 1000, 2000);
        }
    }

    private sealed class FailingSettlement : IMessageSettlement
    {
        public Task CompleteAsync(CancellationToken cancellationToken = default) => throw new IOException("connection to the broker lost");
        public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default) => throw new IOException("connection to the broker lost");
        public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default) => throw new IOException("connection to the broker lost");
    }
}
