// Usage: Orderly.Messaging.Tests.CrashHost <database file> <orders> <relay batch size> <round to hang after publishing>
// Commits one order document + one outbox record per order (one batch each), then runs the outbox relay. After publishing
// round <n> and before acknowledging it, prints "published-not-acknowledged <count>" and hangs until the test kills it.
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Embedded.Store;
using Orderly.Messaging;
using Orderly.Messaging.Tests.CrashHost;
using Orderly.Outbox;
using Orderly.Storage;

var (path, orders, batchSize, hangAfterRound) = (args[0], int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]));
var database = new SqliteDatabase(path);
var store = new EmbeddedDocumentStore(database, CrashScenario.Container);
var feed = new EmbeddedOutboxFeed(database, CrashScenario.Container);
var broker = await EmbeddedBroker.OpenAsync(database, CrashScenario.Topology());
var envelopes = new EnvelopeFactory("/orderly/crash-host", TimeProvider.System);

await Task.WhenAll(Enumerable.Range(0, orders).Select(i =>
{
    var orderId = CrashScenario.OrderId(i);
    var message = new OutgoingMessage(CrashScenario.Queue, envelopes.Create(new ConfirmOrder(orderId, new Money(i + 1, "EUR")), orderId));
    var batch = new WriteBatch(orderId)
        .Create("order", "order", new { orderId, status = "Pending" })
        .AddOutgoing(message, DateTimeOffset.UtcNow);
    return store.CommitAsync(batch);
}));
Console.WriteLine($"committed {orders}");

var round = 0;
var relay = new OutboxRelay(feed, new ParkedOutbox(store, feed), broker, new OutboxRelayOptions
{
    BatchSize = batchSize,
    AfterPublish = async published =>
    {
        if (++round < hangAfterRound) return;
        Console.WriteLine($"{CrashScenario.PublishedNotAcknowledged} {published.Count}");
        await Task.Delay(Timeout.Infinite); // the test kills the process here: published, never acknowledged
    },
}, NullLogger<OutboxRelay>.Instance);
await relay.RunAsync(CancellationToken.None);
