using System.Diagnostics;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Embedded;
using Orderly.Embedded.Broker;

namespace Orderly.Messaging.Tests.Broker;

/// <summary>What the embedded broker does beyond the port contract: restarts, declared topology, waking receivers, batch completion.</summary>
public sealed class EmbeddedBrokerTests : IAsyncLifetime
{
    private readonly EnvelopeFactory _envelopes = new("/orderly/tests", TimeProvider.System);
    private EmbeddedBrokerFixture _bus = null!;

    public async Task InitializeAsync() => _bus = await EmbeddedBrokerFixture.StartAsync();

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Messages_locked_by_a_stopped_process_are_delivered_again_after_restart()
    {
        const string queue = EmbeddedBrokerFixture.LongLockQueue; // a 5 min lock: only the restart can release it
        await _bus.Broker.PublishAsync([Command("a", queue), Command("b", queue)]);
        var held = Assert.Single(await _bus.Broker.ReceiveAsync(queue, 1));
        Assert.Single(await _bus.Broker.ReceiveAsync(queue, 5)); // the other one; the held one stays locked

        await _bus.RestartAsync();

        var again = await _bus.ReceiveWithinAsync(queue, 2, TimeSpan.FromSeconds(2));
        Assert.Equal(2, again.Count);
        Assert.Equal(held.Message.MessageId, again[0].Message.MessageId);
        Assert.Equal(2, again[0].Message.DeliveryCount);
    }

    [Fact]
    public async Task Sending_to_or_receiving_from_an_undeclared_entity_throws()
    {
        var error = await Assert.ThrowsAsync<UnknownEntityException>(() => _bus.Broker.PublishAsync([Command("x", "no-such-queue")]));
        Assert.Equal("no-such-queue", error.Entity);
        await Assert.ThrowsAsync<UnknownEntityException>(() => _bus.Broker.ReceiveAsync("no-such-queue", 1));
        // A subscription is received from, never sent to: publish goes to its topic.
        await Assert.ThrowsAsync<UnknownEntityException>(() => _bus.Broker.PublishAsync([Command("x", EmbeddedBrokerFixture.Subscriptions[0])]));
    }

    [Fact]
    public void Default_topology_declares_every_destination_of_the_contracts()
    {
        var topology = EmbeddedBrokerTopology.FromDestinations();
        Assert.Equal(
            Destinations.Queues.Concat(Destinations.Subscriptions.Select(s => Orderly.Messaging.EntityPath.Subscription(s.Topic, s.Subscription))).Order(),
            topology.ReceiveEntities.Order());
    }

    [Fact]
    public async Task The_checkouts_subscription_gets_the_orders_events_it_handles_and_never_the_others()
    {
        var path = Path.Combine(Path.GetTempPath(), "orderly-broker-tests", Guid.NewGuid().ToString("N"), "orderly.db");
        await using var database = new SqliteDatabase(path);
        var broker = await EmbeddedBroker.OpenAsync(database, EmbeddedBrokerTopology.FromDestinations());
        var placed = new OrderPlaced("o-1", "c-1", [new OrderLine("sku-1", 1)], new ShippingAddress("A", "1 Road", "Town", "123", "SE"), "tok", DateTimeOffset.UtcNow);
        var now = DateTimeOffset.UtcNow;
        await broker.PublishAsync([
            new OutgoingMessage(Destinations.OrdersEvents, _envelopes.Create(placed, correlationId: "o-1")),
            new OutgoingMessage(Destinations.OrdersEvents, _envelopes.Create(new OrderConfirmed("o-1", "c-1", new Money(10m, "EUR"), now), correlationId: "o-1")),
            new OutgoingMessage(Destinations.OrdersEvents, _envelopes.Create(new OrderCancelled("o-2", "c-1", "out-of-stock", now), correlationId: "o-2")),
        ]);

        static string Type(LockedMessage m) => m.Message.Properties[BrokerMessage.TypeProperty];
        var checkout = await broker.ReceiveAsync(Orderly.Messaging.EntityPath.Subscription(Destinations.OrdersEvents, Destinations.CheckoutSubscription), 10);
        Assert.Equal([MessageCatalog.For<OrderPlaced>().Name], checkout.Select(Type));
        // A subscription that declares no types still gets every event of its topic.
        var readModel = await broker.ReceiveAsync(Orderly.Messaging.EntityPath.Subscription(Destinations.OrdersEvents, Destinations.OrdersReadModelSubscription), 10);
        Assert.Equal(3, readModel.Count);
    }

    [Fact]
    public async Task A_waiting_receiver_wakes_when_a_message_is_sent_not_at_its_timeout()
    {
        var wait = _bus.Broker.WaitForMessagesAsync(EmbeddedBrokerFixture.Queue, TimeSpan.FromSeconds(30));
        Assert.False(wait.IsCompleted);
        var clock = Stopwatch.StartNew();
        await _bus.Broker.PublishAsync([Command("wake", EmbeddedBrokerFixture.Queue)]);

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Single(await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.Queue, 5));
    }

    [Fact]
    public async Task A_waiting_receiver_wakes_when_a_scheduled_message_becomes_visible()
    {
        var at = DateTimeOffset.UtcNow.AddMilliseconds(300);
        await _bus.Broker.PublishAsync([Command("later", EmbeddedBrokerFixture.Queue) with { ScheduledFor = at }]);

        // A receiver loop as the consumer runs it; a wake-up may be spurious (the send's own commit), but it must not poll.
        var wakeUps = 0;
        IReadOnlyList<LockedMessage> got;
        while ((got = await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.Queue, 5)).Count == 0)
        {
            Assert.True(++wakeUps <= 3, "the receiver woke up repeatedly before the message was due");
            await _bus.Broker.WaitForMessagesAsync(EmbeddedBrokerFixture.Queue, TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Single(got);
        Assert.True(DateTimeOffset.UtcNow >= at, "received before its scheduled time");
    }

    [Fact]
    public async Task Completing_a_batch_removes_all_of_it_and_reports_a_lost_lock_without_undoing_the_rest()
    {
        const string queue = EmbeddedBrokerFixture.Queue;
        await _bus.Broker.PublishAsync(Enumerable.Range(0, 5).Select(i => Command($"m{i}", queue)).ToList());
        var batch = await _bus.Broker.ReceiveAsync(queue, 5);
        await batch[0].Settlement.CompleteAsync(); // settled already: its lock is gone

        await Assert.ThrowsAsync<MessageLockLostException>(() => _bus.Broker.CompleteAsync(batch));

        Assert.Equal(0, _bus.Broker.ActiveMessageCount(queue));
    }

    [Fact]
    public async Task Duplicate_detection_is_per_queue_so_the_same_id_reaches_two_queues()
    {
        var message = Command("shared", EmbeddedBrokerFixture.Queue);
        await _bus.Broker.PublishAsync([message, message with { Destination = EmbeddedBrokerFixture.ShortWindowQueue }]);

        Assert.Equal(1, _bus.Broker.ActiveMessageCount(EmbeddedBrokerFixture.Queue));
        Assert.Equal(1, _bus.Broker.ActiveMessageCount(EmbeddedBrokerFixture.ShortWindowQueue));
    }

    [Fact]
    public async Task Application_properties_carry_type_correlation_and_trace()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var sent = Command("props", EmbeddedBrokerFixture.Queue);
        await _bus.Broker.PublishAsync([sent]);

        var received = Assert.Single(await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.Queue, 1));
        Assert.Equal(sent.Envelope.Type, received.Message.Properties[BrokerMessage.TypeProperty]);
        Assert.Equal("props", received.Message.Properties[BrokerMessage.CorrelationIdProperty]);
        Assert.Equal(activity.Id, received.Message.Properties[BrokerMessage.TraceParentProperty]);
    }

    [Fact]
    public async Task Resubmitting_a_subscription_dead_letter_reaches_only_that_subscription()
    {
        var (failing, other) = (EmbeddedBrokerFixture.Subscriptions[0], EmbeddedBrokerFixture.Subscriptions[1]);
        await _bus.Broker.PublishAsync([Command("fan", EmbeddedBrokerFixture.Topic)]);
        var delivery = Assert.Single(await _bus.Broker.ReceiveAsync(failing, 1));
        await delivery.Settlement.DeadLetterAsync("HandlerFailed", "read model down");
        await Assert.Single(await _bus.Broker.ReceiveAsync(other, 1)).Settlement.CompleteAsync();

        var dead = Assert.Single(await _bus.DeadLetters.ListAsync(failing));
        await _bus.DeadLetters.ResubmitAsync(dead.Id, "ops-test");

        Assert.Single(await _bus.Broker.ReceiveAsync(failing, 5));
        Assert.Empty(await _bus.Broker.ReceiveAsync(other, 5));
    }

    [Fact]
    public async Task The_trail_survives_a_restart()
    {
        await _bus.Broker.PublishAsync([Command("h", EmbeddedBrokerFixture.Queue)]);
        var delivery = Assert.Single(await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.Queue, 1));
        await delivery.Settlement.DeadLetterAsync("HandlerFailed", "db down");
        var dead = Assert.Single(await _bus.DeadLetters.ListAsync());
        await _bus.DeadLetters.MarkIgnoredAsync(dead.Id, "ops-ada", "looked, waiting for a fix");
        var newId = await _bus.DeadLetters.ResubmitAsync(dead.Id, "ops-grace"); // changed our mind after the fix
        var before = await _bus.DeadLetters.TrailAsync(dead.Id);

        await _bus.RestartAsync();

        var trail = await _bus.DeadLetters.TrailAsync(dead.Id);
        Assert.Equal(before, trail, TrailEntryComparer.Instance);
        Assert.Equal([DeadLetterAction.DeadLettered, DeadLetterAction.Ignored, DeadLetterAction.Resubmitted], trail.Select(t => t.Action));
        Assert.Equal(newId, trail[2].ResubmittedAsMessageId);
        Assert.Equal(DeadLetterStatus.Resubmitted, (await _bus.DeadLetters.ShowAsync(dead.Id))!.Status);
    }

    [Fact]
    public async Task A_file_from_before_the_trail_opens_with_its_history_as_the_trail()
    {
        // The history table as it was before the trail had actors and bodies, with a dead-lettering and an ignore in it.
        var path = Path.Combine(Path.GetTempPath(), "orderly-broker-tests", Guid.NewGuid().ToString("N"), "old.db");
        await using (var old = new SqliteDatabase(path))
        {
            await old.WriteAsync(scope =>
            {
                using var cmd = scope.Command("""
                    CREATE TABLE broker_dead_letter_history (
                        dead_letter_id TEXT NOT NULL, at INTEGER NOT NULL, status TEXT NOT NULL, note TEXT NULL, resubmitted_as TEXT NULL);
                    INSERT INTO broker_dead_letter_history VALUES ('d1', 1, 'Pending', 'HandlerFailed: boom', NULL);
                    INSERT INTO broker_dead_letter_history VALUES ('d1', 2, 'Ignored', 'harmless', NULL);
                    """);
                return cmd.ExecuteNonQuery();
            });
        }

        await using var database = new SqliteDatabase(path);
        var broker = await EmbeddedBroker.OpenAsync(database, EmbeddedBrokerFixture.Topology());
        var trail = await new EmbeddedDeadLetterQueue(broker).TrailAsync("d1");

        Assert.Equal([DeadLetterAction.DeadLettered, DeadLetterAction.Ignored], trail.Select(t => t.Action));
        Assert.Equal([DeadLetterTriage.SystemActor, "unknown"], trail.Select(t => t.Actor));
        Assert.Equal("harmless", trail[1].Note);
    }

    [Fact]
    public async Task Expired_lock_that_was_the_last_allowed_delivery_dead_letters_on_the_next_receive()
    {
        const string queue = EmbeddedBrokerFixture.Queue;
        await _bus.Broker.PublishAsync([Command("stuck", queue)]);
        for (var i = 0; i < EmbeddedBrokerFixture.Settings.MaxDeliveryCount; i++)
            Assert.Single(await _bus.ReceiveWithinAsync(queue, 1, TimeSpan.FromSeconds(5))); // never settled: the handler "hangs"

        Assert.Empty(await _bus.ReceiveWithinAsync(queue, 1, EmbeddedBrokerFixture.Settings.LockDuration * 3));

        var dead = Assert.Single(await _bus.DeadLetters.ListAsync(queue));
        Assert.Equal(EmbeddedBroker.MaxDeliveryCountExceeded, dead.Reason);
        Assert.Equal(EmbeddedBrokerFixture.Settings.MaxDeliveryCount, dead.DeliveryCount);
        Assert.True(dead.FirstFailureAt < dead.LastFailureAt);
    }

    private OutgoingMessage Command(string orderId, string destination) =>
        new(destination, _envelopes.Create(new ReleaseStock(orderId), correlationId: orderId));

    /// <summary>Trail entries compared by value, bodies by their bytes (a record compares memory by reference).</summary>
    private sealed class TrailEntryComparer : IEqualityComparer<DeadLetterTrailEntry>
    {
        public static readonly TrailEntryComparer Instance = new();

        public bool Equals(DeadLetterTrailEntry? x, DeadLetterTrailEntry? y) =>
            x is not null && y is not null && x.At == y.At && x.Action == y.Action && x.Actor == y.Actor && x.Note == y.Note
            && x.ResubmittedAsMessageId == y.ResubmittedAsMessageId && Same(x.OriginalBody, y.OriginalBody) && Same(x.EditedBody, y.EditedBody);

        public int GetHashCode(DeadLetterTrailEntry obj) => HashCode.Combine(obj.At, obj.Action, obj.Actor);

        private static bool Same(ReadOnlyMemory<byte>? a, ReadOnlyMemory<byte>? b) =>
            a is null ? b is null : b is not null && a.Value.Span.SequenceEqual(b.Value.Span);
    }
}
