using Microsoft.Extensions.Logging;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Messaging.Tests.Pipeline;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Messaging.Tests.Outbox;

public sealed class OutboxRelayTests
{
    private static readonly EnvelopeFactory Envelopes = new("/orderly/orders", TimeProvider.System);

    private static OutgoingMessage Event(string orderId, string? traceParent = null) =>
        new(PipelineHarness.Topic, EnvelopeJson.Create(new OrderCancelled(orderId, "customer-1", "timeout", DateTimeOffset.UtcNow),
            Guid.CreateVersion7().ToString("N"), "/orderly/orders", DateTimeOffset.UtcNow, orderId, traceParent: traceParent));

    /// <summary>Commits an aggregate change with its outgoing message, as a handler's batch does.</summary>
    private static async Task<OutgoingMessage> CommitChangeAsync(PipelineHarness h, string orderId, int version, string? traceParent = null)
    {
        var message = Event(orderId, traceParent);
        await h.Store.CommitAsync(new WriteBatch(orderId).Upsert("order", "order", new { orderId, version }).AddOutgoing(message, DateTimeOffset.UtcNow));
        return message;
    }

    private static (OutboxRelay Relay, RecordingPublisher Publisher) RelayFor(PipelineHarness h, int failFirst = 0, int batchSize = 256, CapturedLogs? logs = null)
    {
        var publisher = new RecordingPublisher(failFirst);
        var factory = LoggerFactory.Create(b => b.AddProvider(logs ?? new CapturedLogs()).SetMinimumLevel(LogLevel.Debug));
        var relay = new OutboxRelay(h.Outbox, new ParkedOutbox(h.Store, h.Outbox), publisher, new OutboxRelayOptions
        {
            BatchSize = batchSize,
            IdleWait = TimeSpan.FromMilliseconds(50),
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        }, factory.CreateLogger<OutboxRelay>());
        return (relay, publisher);
    }

    [Fact]
    public async Task The_relay_publishes_each_partitions_messages_in_commit_order_and_then_only_new_ones()
    {
        await using var h = await PipelineHarness.StartAsync();
        var committed = new List<OutgoingMessage>();
        for (var v = 1; v <= 5; v++)
        {
            committed.Add(await CommitChangeAsync(h, "o-1", v));
            committed.Add(await CommitChangeAsync(h, "o-2", v));
        }
        var (relay, publisher) = RelayFor(h, batchSize: 3);

        while (await relay.PublishPendingOnceAsync() > 0) { }

        foreach (var partition in new[] { "o-1", "o-2" })
        {
            Assert.Equal(committed.Where(m => m.Envelope.CorrelationId == partition).Select(m => m.MessageId),
                publisher.Published.Where(m => m.Envelope.CorrelationId == partition).Select(m => m.MessageId));
        }
        Assert.Equal(10, publisher.Published.Count);
        Assert.Empty(await h.PendingOutboxAsync());
        var later = await CommitChangeAsync(h, "o-1", 6);
        Assert.Equal(1, await relay.PublishPendingOnceAsync());
        Assert.Equal(later.MessageId, publisher.Published[^1].MessageId);
    }

    [Fact]
    public async Task A_failing_publish_is_retried_and_no_message_is_dropped()
    {
        await using var h = await PipelineHarness.StartAsync();
        var committed = new List<string>();
        for (var i = 0; i < 10; i++) committed.Add((await CommitChangeAsync(h, $"o-{i}", 1)).MessageId);
        var (relay, publisher) = RelayFor(h, failFirst: 3);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var running = relay.RunAsync(stop.Token);
        while (publisher.Published.Count < committed.Count || (await h.PendingOutboxAsync()).Count > 0)
        {
            Assert.False(stop.IsCancellationRequested, "the relay did not catch up in time");
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await running;

        Assert.Equal(3, publisher.Failures);
        Assert.Equal(committed.Order(), publisher.Published.Select(m => m.MessageId).Order());
    }

    [Fact]
    public async Task Publishing_logs_with_the_trace_id_the_record_was_written_in_and_sends_the_envelope_unchanged()
    {
        await using var h = await PipelineHarness.StartAsync();
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var message = await CommitChangeAsync(h, "o-1", 1, $"00-{traceId}-00f067aa0ba902b7-01");
        var logs = new CapturedLogs();
        var (relay, publisher) = RelayFor(h, logs: logs);

        Assert.Equal(1, await relay.PublishPendingOnceAsync());

        var sent = Assert.Single(publisher.Published);
        Assert.Equal(EnvelopeJson.Serialize(message.Envelope), EnvelopeJson.Serialize(sent.Envelope));
        var line = Assert.Single(logs.Lines, l => l.Message.StartsWith("Published", StringComparison.Ordinal));
        Assert.Equal(traceId, line.Scope["TraceId"]);
        Assert.Equal("o-1", line.Scope["CorrelationId"]);
    }

    [Fact]
    public async Task Records_pushed_by_a_change_feed_are_published_as_they_are()
    {
        await using var h = await PipelineHarness.StartAsync();
        var message = await CommitChangeAsync(h, "o-1", 1);
        var (relay, publisher) = RelayFor(h);
        var records = await h.Outbox.ReadPendingAsync(10);

        await relay.RelayAsync(records);

        Assert.Equal(message.MessageId, Assert.Single(publisher.Published).MessageId);
        Assert.Equal(PipelineHarness.Topic, publisher.Published[0].Destination);
    }

    /// <summary>Remembers what was published; the first <c>failFirst</c> calls fail as an unreachable bus would, publishing nothing.</summary>
    private sealed class RecordingPublisher(int failFirst) : IMessagePublisher
    {
        private readonly List<OutgoingMessage> _published = [];
        private int _calls;

        public int Failures { get; private set; }

        public IReadOnlyList<OutgoingMessage> Published
        {
            get { lock (_published) return [.. _published]; }
        }

        public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _calls) <= failFirst)
            {
                Failures++;
                throw new TimeoutException("the bus did not answer");
            }
            lock (_published) _published.AddRange(messages);
            return Task.CompletedTask;
        }
    }
}
