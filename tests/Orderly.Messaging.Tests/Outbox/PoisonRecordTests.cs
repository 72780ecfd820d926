using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Messaging.Tests.Pipeline;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Messaging.Tests.Outbox;

/// <summary>
/// Poison is parked, never looped: an outbox record the bus keeps refusing is parked after exactly MaxPublishAttempts attempts
/// with its last error, the records behind it are published, and triage can resubmit it (published once, handled once) or
/// leave it with a note. An outage of the bus, or a failure that clears, parks nothing.
/// </summary>
public sealed class PoisonRecordTests
{
    private const string Operator = "ops-ada";

    private static OutgoingMessage Confirm(string orderId) =>
        new(PipelineHarness.Queue, EnvelopeJson.Create(new ConfirmOrder(orderId, new Money(10m, "EUR")), Guid.CreateVersion7().ToString("N"),
            "/orderly/checkout", DateTimeOffset.UtcNow, orderId));

    private static OutgoingMessage Cancelled(string orderId) =>
        new(PipelineHarness.Topic, EnvelopeJson.Create(new OrderCancelled(orderId, "customer-1", "timeout", DateTimeOffset.UtcNow),
            Guid.CreateVersion7().ToString("N"), "/orderly/orders", DateTimeOffset.UtcNow, orderId));

    /// <summary>Commits an aggregate change with its outgoing message, as a handler's batch does.</summary>
    private static async Task<OutgoingMessage> CommitAsync(PipelineHarness h, OutgoingMessage message)
    {
        var partition = message.Envelope.CorrelationId;
        await h.Store.CommitAsync(new WriteBatch(partition).Upsert("order-" + message.MessageId, "order", new { partition }).AddOutgoing(message, DateTimeOffset.UtcNow));
        return message;
    }

    private static OutboxRelay RelayFor(PipelineHarness h, ParkedOutbox parked, IMessagePublisher publisher, int maxAttempts) =>
        new(h.Outbox, parked, publisher, new OutboxRelayOptions
        {
            MaxPublishAttempts = maxAttempts,
            IdleWait = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(4),
        }, NullLogger<OutboxRelay>.Instance);

    /// <summary>Relay rounds (a failed one is retried, as the loop does) until the outbox is empty.</summary>
    private static async Task DrainAsync(PipelineHarness h, OutboxRelay relay)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await h.Outbox.ReadPendingAsync(10)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the outbox did not drain in time");
            try
            {
                await relay.PublishPendingOnceAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // a round in which nothing could go: the loop backs off and tries again
            }
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task A_record_the_bus_always_refuses_is_parked_after_exactly_max_attempts_with_its_reason_and_the_records_behind_it_are_published()
    {
        await using var h = await PipelineHarness.StartAsync();
        var poison = await CommitAsync(h, Confirm("o-poison"));
        var behind = await CommitAsync(h, Cancelled("o-poison")); // same aggregate, committed after the poison
        var others = new[] { await CommitAsync(h, Confirm("o-2")), await CommitAsync(h, Confirm("o-3")) };
        var publisher = new RefusingPublisher(h.Broker);
        publisher.Refuse(poison.MessageId);
        var parked = new ParkedOutbox(h.Store, h.Outbox);

        await DrainAsync(h, RelayFor(h, parked, publisher, maxAttempts: 3));

        Assert.Equal(3, publisher.AloneAttempts(poison.MessageId));
        var letter = Assert.Single(await parked.ListAsync());
        Assert.Equal($"outbox:orders:{poison.MessageId}", letter.Id);
        Assert.Equal("outbox:orders", letter.Entity);
        Assert.Equal("outbox", letter.Properties["orderly-source"]);
        Assert.Equal(PipelineHarness.Queue, letter.Properties["orderly-destination"]);
        Assert.Equal(DeadLetterStatus.Pending, letter.Status);
        Assert.Equal(3, letter.DeliveryCount);
        Assert.Contains($"Message {poison.MessageId} is too large for {PipelineHarness.Queue}", letter.Description, StringComparison.Ordinal);
        Assert.Equal(1, await parked.CountAwaitingTriageAsync());
        // The records of other aggregates went at once; the one behind the poison in its aggregate only once it was parked.
        Assert.Equal(others.Select(o => o.MessageId).Append(behind.MessageId).Order(), publisher.PublishedIds.Distinct().Order());
        Assert.True(publisher.FirstPublished(behind.MessageId) > publisher.LastAttempt(poison.MessageId), "a later record of the aggregate overtook the poison before it was parked");
        Assert.True(others.All(o => publisher.FirstPublished(o.MessageId) < publisher.LastAttempt(poison.MessageId)), "other aggregates waited for the poison");
        Assert.DoesNotContain(poison.MessageId, publisher.PublishedIds);
        Assert.Empty(await h.Outbox.ReadPendingAsync(10));
    }

    [Fact]
    public async Task A_resubmitted_record_is_published_once_and_handled_once_and_its_trail_names_the_operator()
    {
        await using var h = await PipelineHarness.StartAsync();
        var poison = await CommitAsync(h, Confirm("o-poison"));
        await CommitAsync(h, Confirm("o-2"));
        var publisher = new RefusingPublisher(h.Broker);
        publisher.Refuse(poison.MessageId);
        var parked = new ParkedOutbox(h.Store, h.Outbox);
        var relay = RelayFor(h, parked, publisher, maxAttempts: 2);
        await DrainAsync(h, relay);
        var id = Assert.Single(await parked.ListAsync()).Id;

        publisher.Heal(); // the operator fixed what the bus refused
        Assert.Equal(poison.MessageId, await parked.ResubmitAsync(id, Operator, note: "queue size raised"));
        await Assert.ThrowsAsync<DeadLetterConflictException>(() => parked.ResubmitAsync(id, Operator));
        await DrainAsync(h, relay);
        await h.ConsumeUntilAsync(async () => await h.EffectOfAsync("o-poison") is not null && h.Broker.ActiveMessageCount(PipelineHarness.Queue) == 0);
        for (var i = 0; i < 3; i++) await relay.PublishPendingOnceAsync();

        Assert.Equal(1, publisher.PublishedIds.Count(m => m == poison.MessageId));
        Assert.Equal(1, (await h.EffectOfAsync("o-poison"))!.Count);
        var shown = (await parked.ShowAsync(id))!;
        Assert.Equal((DeadLetterStatus.Resubmitted, poison.MessageId, "queue size raised"), (shown.Status, shown.ResubmittedAsMessageId, shown.Note));
        var trail = await parked.TrailAsync(id);
        Assert.Equal([DeadLetterAction.DeadLettered, DeadLetterAction.Resubmitted], trail.Select(t => t.Action));
        Assert.Equal([DeadLetterTriage.SystemActor, Operator], trail.Select(t => t.Actor));
        Assert.Equal(0, await parked.CountAwaitingTriageAsync());
    }

    [Fact]
    public async Task An_ignored_record_keeps_its_note_is_never_published_and_cannot_be_ignored_twice()
    {
        await using var h = await PipelineHarness.StartAsync();
        var poison = await CommitAsync(h, Confirm("o-poison"));
        await CommitAsync(h, Confirm("o-2"));
        var publisher = new RefusingPublisher(h.Broker);
        publisher.Refuse(poison.MessageId);
        var parked = new ParkedOutbox(h.Store, h.Outbox);
        var relay = RelayFor(h, parked, publisher, maxAttempts: 2);
        await DrainAsync(h, relay);
        var id = Assert.Single(await parked.ListAsync()).Id;

        publisher.Heal();
        await parked.MarkIgnoredAsync(id, Operator, "order was cancelled by hand");
        await Assert.ThrowsAsync<DeadLetterConflictException>(() => parked.MarkIgnoredAsync(id, Operator, "second thoughts"));
        await Assert.ThrowsAsync<ArgumentException>(() => parked.MarkIgnoredAsync(id, Operator, "   "));
        for (var i = 0; i < 3; i++) await relay.PublishPendingOnceAsync();

        var shown = (await parked.ShowAsync(id))!;
        Assert.Equal((DeadLetterStatus.Ignored, "order was cancelled by hand"), (shown.Status, shown.Note));
        Assert.Equal([DeadLetterAction.DeadLettered, DeadLetterAction.Ignored], (await parked.TrailAsync(id)).Select(t => t.Action));
        Assert.DoesNotContain(poison.MessageId, publisher.PublishedIds);
        Assert.Equal(0, await parked.CountAwaitingTriageAsync());
    }

    [Fact]
    public async Task A_failure_that_clears_within_the_attempts_parks_nothing()
    {
        await using var h = await PipelineHarness.StartAsync();
        var flaky = await CommitAsync(h, Confirm("o-flaky"));
        await CommitAsync(h, Confirm("o-2"));
        var publisher = new RefusingPublisher(h.Broker);
        publisher.Refuse(flaky.MessageId, times: 2); // fails twice, then works
        var parked = new ParkedOutbox(h.Store, h.Outbox);

        await DrainAsync(h, RelayFor(h, parked, publisher, maxAttempts: 2));

        Assert.Equal(2, publisher.Refusals);
        Assert.Contains(flaky.MessageId, publisher.PublishedIds);
        Assert.Empty(await parked.ListAsync());
    }

    [Fact]
    public async Task An_outage_of_the_bus_parks_nothing_costs_a_few_calls_a_round_and_everything_goes_when_it_heals()
    {
        await using var h = await PipelineHarness.StartAsync();
        var committed = new List<string>();
        for (var i = 0; i < 12; i++) committed.Add((await CommitAsync(h, i % 3 == 0 ? Cancelled($"o-{i}") : Confirm($"o-{i}"))).MessageId);
        var publisher = new RefusingPublisher(h.Broker) { Down = true };
        var parked = new ParkedOutbox(h.Store, h.Outbox);
        var relay = RelayFor(h, parked, publisher, maxAttempts: 2);

        for (var round = 0; round < 8; round++)
        {
            var before = publisher.Calls;
            try
            {
                Assert.Equal(0, await relay.PublishPendingOnceAsync()); // every record waits out its delay
            }
            catch (TimeoutException)
            {
                // nothing could go: the loop would back off
            }
            Assert.True(publisher.Calls - before <= 1 + 3 * 2, $"round {round} made {publisher.Calls - before} calls during the outage");
            await Task.Delay(5);
        }
        publisher.Down = false;
        await DrainAsync(h, relay);

        Assert.Empty(await parked.ListAsync());
        Assert.Equal(committed.Order(), publisher.PublishedIds.Distinct().Order());
    }

    [Fact]
    public async Task On_the_change_feed_a_poison_record_makes_the_batch_come_again_until_it_is_parked_then_the_batch_completes()
    {
        await using var h = await PipelineHarness.StartAsync();
        var poison = await CommitAsync(h, Confirm("o-poison"));
        var behind = await CommitAsync(h, Cancelled("o-poison"));
        var good = await CommitAsync(h, Confirm("o-2"));
        var publisher = new RefusingPublisher(h.Broker);
        publisher.Refuse(poison.MessageId);
        var parked = new ParkedOutbox(h.Store, h.Outbox);
        var relay = RelayFor(h, parked, publisher, maxAttempts: 2);
        var delivered = await h.Outbox.ReadPendingAsync(10); // what the trigger pushes, delivered again after a throw

        await Assert.ThrowsAsync<InvalidOperationException>(() => relay.RelayAsync(delivered));
        Assert.DoesNotContain(behind.MessageId, publisher.PublishedIds); // it waits behind the poison, in the batch that comes again
        await relay.RelayAsync(delivered); // parks the poison, then the record behind it goes before the batch completes
        Assert.Contains(behind.MessageId, publisher.PublishedIds);
        var calls = publisher.Calls;
        await relay.RelayAsync(delivered); // delivered once more (a checkpoint lost): what was parked stays parked

        Assert.Equal(poison.MessageId, Assert.Single(await parked.ListAsync()).MessageId);
        Assert.Contains(good.MessageId, publisher.PublishedIds);
        Assert.DoesNotContain(poison.MessageId, publisher.PublishedIds);
        Assert.Equal(1, publisher.Calls - calls); // the other two again, in one call (duplicates the bus drops)
        Assert.Empty(await h.Outbox.ReadPendingAsync(10));
    }

    [Fact]
    public async Task An_edited_resubmit_must_keep_the_message_id()
    {
        await using var h = await PipelineHarness.StartAsync();
        var poison = await CommitAsync(h, Confirm("o-poison"));
        await CommitAsync(h, Confirm("o-2"));
        var publisher = new RefusingPublisher(h.Broker);
        publisher.Refuse(poison.MessageId);
        var parked = new ParkedOutbox(h.Store, h.Outbox);
        await DrainAsync(h, RelayFor(h, parked, publisher, maxAttempts: 1));
        var letter = Assert.Single(await parked.ListAsync());
        var envelope = JsonNode.Parse(letter.Body.Span)!.AsObject();
        envelope["id"] = "another-id";

        var refused = await Assert.ThrowsAsync<DeadLetterEditRejectedException>(() =>
            parked.ResubmitAsync(letter.Id, Operator, System.Text.Encoding.UTF8.GetBytes(envelope.ToJsonString())));

        Assert.Equal("id", refused.Problem.Field);
        Assert.Equal(DeadLetterStatus.Pending, (await parked.ShowAsync(letter.Id))!.Status);
    }

    [Fact]
    public async Task Triage_lists_broker_dead_letters_and_parked_records_together_and_answers_unknown_or_hostile_ids_with_not_found()
    {
        await using var h = await PipelineHarness.StartAsync(maxDeliveryCount: 1);
        var poison = await CommitAsync(h, Confirm("o-poison"));
        await CommitAsync(h, Confirm("o-2"));
        var publisher = new RefusingPublisher(h.Broker);
        publisher.Refuse(poison.MessageId);
        var parked = new ParkedOutbox(h.Store, h.Outbox);
        await DrainAsync(h, RelayFor(h, parked, publisher, maxAttempts: 1));
        await h.SendAsync("not json"); // dead-lettered by the consumer pipeline
        await h.ConsumeUntilAsync(async () => (await h.DeadLettersAsync()).Count == 1);
        var triage = new DeadLetterQueues([h.DeadLetters, parked]);

        var all = await triage.ListAsync();
        Assert.Equal([PipelineHarness.Queue, "outbox:orders"], all.Select(l => l.Entity).Order(StringComparer.Ordinal));
        Assert.Equal("outbox:orders", Assert.Single(await triage.ListAsync("outbox:orders")).Entity);
        foreach (var letter in all) Assert.Equal(letter.Id, (await triage.ShowAsync(letter.Id))!.Id);
        await triage.MarkIgnoredAsync(all.Single(l => l.Entity == "outbox:orders").Id, Operator, "known");
        Assert.Equal(DeadLetterStatus.Ignored, (await parked.ListAsync()).Single().Status);

        foreach (var hostile in new[] { "outbox:", "outbox:orders:", "outbox:orders:nope", "outbox:payments:" + poison.MessageId, "x|1",
                     "outbox:orders:" + new string('x', 10_000), "" })
        {
            Assert.Null(await triage.ShowAsync(hostile));
            Assert.Empty(await triage.TrailAsync(hostile));
            await Assert.ThrowsAsync<DeadLetterNotFoundException>(() => triage.ResubmitAsync(hostile, Operator));
            await Assert.ThrowsAsync<DeadLetterNotFoundException>(() => triage.MarkIgnoredAsync(hostile, Operator, "note"));
        }
    }

    [Fact]
    public void Max_publish_attempts_is_read_from_configuration_and_a_bad_value_stops_the_start_naming_it()
    {
        OutboxRelayOptions Read(string value) => new OutboxRelayOptions().ReadFrom(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Outbox:Relay:MaxPublishAttempts"] = value }).Build()
            .GetSection(OutboxRelayOptions.Section));

        Assert.Equal(7, Read("7").MaxPublishAttempts);
        foreach (var bad in new[] { "0", "-1", "ten", "1001" })
            Assert.StartsWith($"Outbox__Relay__MaxPublishAttempts='{bad}' is not a whole number from 1 to 1000",
                Assert.Throws<Orderly.Settings.SettingException>(() => Read(bad)).Message, StringComparison.Ordinal);
        Assert.Equal(10, Read("").MaxPublishAttempts); // blank is unset: the default
        Assert.Equal(10, new OutboxRelayOptions().MaxPublishAttempts);
    }

    /// <summary>
    /// The bus in front of the broker: refuses every call that holds a refused message (as Service Bus refuses a message too
    /// large for its entity), or every call while <see cref="Down"/>; remembers each call and what went through.
    /// </summary>
    private sealed class RefusingPublisher(IMessagePublisher inner) : IMessagePublisher
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, int> _refused = new(StringComparer.Ordinal);
        private readonly List<string[]> _calls = [];
        private readonly List<string> _published = [];

        public bool Down { get; set; }

        public int Refusals { get; private set; }

        public int Calls
        {
            get { lock (_lock) return _calls.Count; }
        }

        public IReadOnlyList<string> PublishedIds
        {
            get { lock (_lock) return [.. _published]; }
        }

        /// <summary>Refuses <paramref name="messageId"/> the next <paramref name="times"/> times (for good by default).</summary>
        public void Refuse(string messageId, int times = int.MaxValue)
        {
            lock (_lock) _refused[messageId] = times;
        }

        public void Heal()
        {
            lock (_lock) _refused.Clear();
        }

        /// <summary>Calls that held only <paramref name="messageId"/>.</summary>
        public int AloneAttempts(string messageId)
        {
            lock (_lock) return _calls.Count(c => c is [var only] && only == messageId);
        }

        /// <summary>The index of the last call that held <paramref name="messageId"/>.</summary>
        public int LastAttempt(string messageId)
        {
            lock (_lock) return _calls.FindLastIndex(c => c.Contains(messageId));
        }

        /// <summary>The index of the first call that published <paramref name="messageId"/>, or int.MaxValue.</summary>
        public int FirstPublished(string messageId)
        {
            lock (_lock) return _publishedAt.TryGetValue(messageId, out var at) ? at : int.MaxValue;
        }

        private readonly Dictionary<string, int> _publishedAt = new(StringComparer.Ordinal);

        public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
        {
            int call;
            lock (_lock)
            {
                call = _calls.Count;
                _calls.Add(messages.Select(m => m.MessageId).ToArray());
                if (Down) throw new TimeoutException("the bus did not answer");
                if (messages.FirstOrDefault(m => _refused.GetValueOrDefault(m.MessageId) > 0) is { } refused)
                {
                    _refused[refused.MessageId]--;
                    Refusals++;
                    throw new InvalidOperationException($"Message {refused.MessageId} is too large for {refused.Destination}");
                }
            }
            await inner.PublishAsync(messages, cancellationToken);
            lock (_lock)
            {
                foreach (var m in messages)
                {
                    _published.Add(m.MessageId);
                    _publishedAt.TryAdd(m.MessageId, call);
                }
            }
        }
    }
}
