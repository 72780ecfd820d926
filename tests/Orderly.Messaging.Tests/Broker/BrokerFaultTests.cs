using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Embedded.Broker;

namespace Orderly.Messaging.Tests.Broker;

/// <summary>
/// The broker's fault seams the fault suite drives: a pause delivers nothing until it ends; duplicates deliver each message 2–3
/// times; a corruption rewrites the one message it matches.
/// </summary>
public sealed class BrokerFaultTests : IAsyncLifetime
{
    private readonly EnvelopeFactory _envelopes = new("/orderly/tests", TimeProvider.System);
    private EmbeddedBrokerFixture _bus = null!;

    public async Task InitializeAsync() => _bus = await EmbeddedBrokerFixture.StartAsync();

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_paused_broker_takes_sends_but_delivers_nothing_until_the_pause_ends()
    {
        _bus.Broker.Faults.Pause.OpenFor(TimeSpan.FromSeconds(30));
        await _bus.Broker.PublishAsync([Command("paused", EmbeddedBrokerFixture.Queue)]);

        Assert.Empty(await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.Queue, 5));
        Assert.False(await _bus.Broker.WaitForMessagesAsync(EmbeddedBrokerFixture.Queue, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(1, _bus.Broker.ActiveMessageCount(EmbeddedBrokerFixture.Queue));

        _bus.Broker.Faults.Pause.Shut();
        Assert.Single(await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.Queue, 5));
    }

    [Fact]
    public async Task While_duplicates_are_on_each_completed_message_comes_back_until_delivered_two_or_three_times()
    {
        _bus.Broker.Faults.DuplicateDeliveries.OpenFor(TimeSpan.FromMinutes(1));
        await _bus.Broker.PublishAsync([Command("a", EmbeddedBrokerFixture.LongLockQueue), Command("b", EmbeddedBrokerFixture.LongLockQueue)]);

        var deliveries = new Dictionary<string, int>();
        IReadOnlyList<LockedMessage> got;
        while ((got = await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.LongLockQueue, 5)).Count > 0)
        {
            foreach (var m in got) deliveries[m.Message.MessageId] = deliveries.GetValueOrDefault(m.Message.MessageId) + 1;
            await _bus.Broker.CompleteAsync(got); // the batch path; a single CompleteAsync on the settlement goes the same way
        }

        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries.Values, n => Assert.InRange(n, 2, 3));
        Assert.Contains(3, deliveries.Values); // the two sequence numbers differ by one: one message 2, the other 3 times
        Assert.Equal(0, _bus.Broker.ActiveMessageCount(EmbeddedBrokerFixture.LongLockQueue));
    }

    [Fact]
    public async Task Once_duplicates_are_off_a_completed_message_is_gone()
    {
        _bus.Broker.Faults.DuplicateDeliveries.OpenFor(TimeSpan.FromMinutes(1));
        _bus.Broker.Faults.DuplicateDeliveries.Shut();
        await _bus.Broker.PublishAsync([Command("once", EmbeddedBrokerFixture.LongLockQueue)]);

        var only = Assert.Single(await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.LongLockQueue, 5));
        await only.Settlement.CompleteAsync();

        Assert.Empty(await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.LongLockQueue, 5));
    }

    [Fact]
    public async Task A_corruption_rewrites_only_the_next_matching_message_on_its_destination_and_only_once()
    {
        _bus.Broker.Faults.CorruptNext(EmbeddedBrokerFixture.Queue, "\"order-b\"", _ => "broken"u8.ToArray());
        await _bus.Broker.PublishAsync([
            Command("order-a", EmbeddedBrokerFixture.Queue), Command("order-b", EmbeddedBrokerFixture.LongLockQueue),
            Command("order-b", EmbeddedBrokerFixture.Queue), Command("order-b-again", EmbeddedBrokerFixture.Queue)]);
        await _bus.Broker.PublishAsync([new(EmbeddedBrokerFixture.Queue, _envelopes.Create(new ReleaseStock("order-b"), correlationId: "second"))]);

        var bodies = (await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.Queue, 10)).Select(m => System.Text.Encoding.UTF8.GetString(m.Message.Body.Span)).ToList();
        Assert.Equal(4, bodies.Count);
        Assert.Equal("broken", Assert.Single(bodies, b => !b.StartsWith('{')));
        Assert.Equal(1, bodies.IndexOf("broken")); // order-b on the queue, not order-a before it, nor the same marker on another entity
        Assert.Contains("\"order-b\"", bodies[3], StringComparison.Ordinal); // spent: the next match goes as it was
        var other = Assert.Single(await _bus.Broker.ReceiveAsync(EmbeddedBrokerFixture.LongLockQueue, 5));
        Assert.Contains("\"order-b\"", System.Text.Encoding.UTF8.GetString(other.Message.Body.Span), StringComparison.Ordinal);
    }

    private OutgoingMessage Command(string orderId, string destination) =>
        new(destination, _envelopes.Create(new ReleaseStock(orderId), correlationId: orderId));
}
