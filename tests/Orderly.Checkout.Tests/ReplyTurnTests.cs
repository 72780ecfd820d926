using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Embedded.Store;
using Orderly.Messaging;
using Orderly.Orchestrations;
using Orderly.Orchestrations.Embedded;
using Orderly.Outbox;
using Orderly.Storage;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

/// <summary>
/// Embedded mode: a base service's reply and the saga turn it wakes commit in one unit of work (the reply's inbox record, its
/// completion, the journaled event and the next command), so the saga's journal and the reply's settlement never disagree.
/// The real checkout, reply handlers, consumer pipeline, store, broker and runner, on one SQLite file, as the local host wires them.
/// </summary>
public sealed class ReplyTurnTests
{
    private static readonly string[] CommandQueues =
        [Destinations.InventoryCommands, Destinations.PaymentsCommands, Destinations.ShippingCommands, Destinations.OrdersCommands];

    [Fact]
    public async Task Each_reply_and_the_turn_it_wakes_cost_one_unit_of_work_and_the_checkout_completes()
    {
        await using var h = await Harness.StartAsync();
        await h.StartCheckoutAsync();

        var units = new List<long>();
        for (var reply = 0; reply < 6; reply++)
        {
            var locked = await h.ReplyToNextCommandAsync();
            var before = h.Database.CommitStats.Units;
            await h.ProcessAsync(locked);
            units.Add(h.Database.CommitStats.Units - before);
        }
        var end = await h.Sagas.WaitForEndAsync(OrderId);

        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.Equal(CheckoutStatus.Completed, end.CustomStatus!.Value.GetProperty("status").GetString());
        // Two before: the pipeline's unit (inbox record + completion), then the turn's (event + next command).
        Assert.All(units, u => Assert.Equal(1, u));
        Assert.Equal(0, h.Broker.ActiveMessageCount(Destinations.CheckoutReplies));
    }

    [Fact]
    public async Task A_reply_whose_unit_fails_journals_nothing_and_completes_nothing_and_its_redelivery_is_taken_once()
    {
        await using var h = await Harness.StartAsync(failingUnits: 1);
        await h.StartCheckoutAsync();
        var first = await h.ReplyToNextCommandAsync();
        var journaled = h.JournalEntries();

        await h.ProcessAsync(first); // the unit carrying StockReserved and its turn fails: the pipeline schedules a retry

        Assert.Equal(journaled, h.JournalEntries());
        Assert.Equal(1, h.Broker.ActiveMessageCount(Destinations.CheckoutReplies));
        Assert.Null(await h.Store.ReadAsync(OrderId, InboxRecord.DocumentId(EnvelopeJson.Parse(first.Message.Body.Span).Id)));

        // The redelivery, then the rest of the checkout.
        await h.ProcessAsync(await h.ReceiveAsync(Destinations.CheckoutReplies));
        for (var reply = 0; reply < 5; reply++) await h.ProcessAsync(await h.ReplyToNextCommandAsync());
        var end = await h.Sagas.WaitForEndAsync(OrderId);

        Assert.Equal(CheckoutStatus.Completed, end.CustomStatus!.Value.GetProperty("status").GetString());
        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], h.Commands);
        Assert.Equal(12, h.JournalEntries()); // as a checkout without the failure: each event journaled once
    }

    [Fact]
    public async Task Two_copies_of_a_reply_handled_at_once_advance_the_checkout_once()
    {
        await using var h = await Harness.StartAsync();
        await h.StartCheckoutAsync();

        for (var reply = 0; reply < 6; reply++)
        {
            var locked = await h.ReplyToNextCommandAsync(copies: 2);
            var copy = await h.ReceiveAsync(Destinations.CheckoutReplies);
            await Task.WhenAll(h.ProcessAsync(locked), h.ProcessAsync(copy));
        }
        var end = await h.Sagas.WaitForEndAsync(OrderId);

        Assert.Equal(CheckoutStatus.Completed, end.CustomStatus!.Value.GetProperty("status").GetString());
        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], h.Commands);
        Assert.Equal(12, h.JournalEntries());
        Assert.Equal(0, h.Broker.ActiveMessageCount(Destinations.CheckoutReplies));
    }

    /// <summary>The local host's wiring of the checkout on one database, with the base services answered by the test.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly string _path = EmbeddedTestRuntime.NewPath();
        private ServiceProvider _services = null!;
        private ConsumerPipeline.ConsumerPipeline _pipeline = null!;

        public SqliteDatabase Database { get; private set; } = null!;
        public EmbeddedBroker Broker { get; private set; } = null!;
        public EmbeddedDocumentStore Store { get; private set; } = null!;
        public EmbeddedSagaRunner Runner { get; private set; } = null!;
        public ISagaStatusReader Sagas => Runner;

        /// <summary>The commands the saga sent, in order, by contract name.</summary>
        public List<string> Commands { get; } = [];

        /// <param name="failingUnits">How many reply units fail at their end, after all their writes, as a refused commit would.</param>
        public static async Task<Harness> StartAsync(int failingUnits = 0)
        {
            var h = new Harness();
            h.Database = new SqliteDatabase(h._path);
            h.Broker = await EmbeddedBroker.OpenAsync(h.Database, EmbeddedBrokerTopology.FromDestinations());
            h.Store = new EmbeddedDocumentStore(h.Database, CheckoutModule.Name);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Messaging:Consumer:BaseDelay"] = "00:00:00.001",
                ["Messaging:Consumer:MaxDelay"] = "00:00:00.005",
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddCheckoutContext(configuration);
            services.AddKeyedSingleton<IDocumentStore>(CheckoutModule.Name, new UnitsThatFail(h.Store, h.Database, failingUnits));
            services.AddSingleton(h.Broker);
            services.AddSingleton<IMessagePublisher>(h.Broker);
            services.AddEmbeddedSagaRunner(_ => h.Database);
            services.AddSagaSendStep<CheckoutCommand, string>(SendCheckoutCommand.Name,
                (sp, command) => (command.MessageId, [sp.GetRequiredService<SendCheckoutCommand>().Message(command)]));
            services.AddConsumerPipeline(configuration);
            h._services = services.BuildServiceProvider();
            h._pipeline = h._services.GetRequiredService<ConsumerPipeline.ConsumerPipeline>();
            h.Runner = h._services.GetRequiredService<EmbeddedSagaRunner>();
            await h.Runner.StartAsync(CancellationToken.None);
            return h;
        }

        public Task StartCheckoutAsync() => Runner.StartIfNotExistsAsync(CheckoutSaga.Name, OrderId, Input());

        /// <summary>Takes the saga's next command off its queue and puts the base service's happy reply (<paramref name="copies"/> times) on the replies queue; returns it locked.</summary>
        public async Task<LockedMessage> ReplyToNextCommandAsync(int copies = 1)
        {
            var command = await ReceiveAsync(CommandQueues);
            var e = EnvelopeJson.Parse(command.Message.Body.Span);
            await command.Settlement.CompleteAsync();
            Commands.Add(MessageCatalog.Find(e.Type)!.ClrType.Name);
            var answer = (ReplyAnswer)Happy(new CheckoutCommand(e.Id, command.Message.Entity, e.Type, e.Data, e.CorrelationId, e.CausationId, e.TraceParent, e.ReplyTo!));
            var body = EnvelopeJson.Serialize(CheckoutHost.ReplyTo(e, answer.Reply));
            for (var i = 0; i < copies; i++)
                await Broker.SendAsync([new BrokerMessage(e.ReplyTo!, Guid.NewGuid().ToString("N"), body, new Dictionary<string, string>())]);
            return await ReceiveAsync(Destinations.CheckoutReplies);
        }

        public Task ProcessAsync(LockedMessage locked) =>
            _pipeline.ProcessAsync(locked.Message.Entity, locked.Message, locked.Settlement, CancellationToken.None);

        /// <summary>The next visible message of any of <paramref name="entities"/>, locked (waits for a scheduled one).</summary>
        public async Task<LockedMessage> ReceiveAsync(params string[] entities)
        {
            var until = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < until)
            {
                foreach (var entity in entities)
                    if (await Broker.ReceiveAsync(entity, 1) is [var locked]) return locked;
                await Task.Delay(10);
            }
            throw new TimeoutException($"No message arrived on {string.Join(", ", entities)}.");
        }

        public long JournalEntries() => EmbeddedTestRuntime.JournalEntries(Database, OrderId);

        public async ValueTask DisposeAsync()
        {
            await Runner.DisposeAsync();
            await _services.DisposeAsync();
            await Database.DisposeAsync();
            EmbeddedTestRuntime.DeleteFiles(_path);
        }
    }

    /// <summary>The embedded store, whose first <c>failures</c> handled messages' units fail after all their writes.</summary>
    private sealed class UnitsThatFail(EmbeddedDocumentStore inner, SqliteDatabase database, int failures) : IDocumentStore, ICompletingStore
    {
        private int _failures = failures;

        public string Container => inner.Container;
        public Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken = default) => inner.ReadAsync(partitionKey, id, cancellationToken);
        public Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string? kind = null, CancellationToken cancellationToken = default) => inner.QueryAsync(partitionKey, kind, cancellationToken);
        public Task<DocumentPage> ListAsync(DocumentListing listing, CancellationToken cancellationToken = default) => inner.ListAsync(listing, cancellationToken);
        public Task<BatchResult> CommitAsync(WriteBatch batch, CancellationToken cancellationToken = default) => inner.CommitAsync(batch, cancellationToken);
        public bool CanComplete(IMessageSettlement settlement) => inner.CanComplete(settlement);
        public bool CanCarry(ICarriedWrite write) => inner.CanCarry(write);

        public Task<CompletedCommit> CommitAndCompleteAsync(WriteBatch batch, IMessageSettlement settlement, IReadOnlyList<ICarriedWrite> carried,
            CancellationToken cancellationToken = default) =>
            inner.CommitAndCompleteAsync(batch, settlement, Interlocked.Decrement(ref _failures) >= 0 ? [.. carried, new Refused(database)] : carried,
                cancellationToken);
    }

    /// <summary>A write the unit cannot take (as a refused fsync): the whole unit rolls back.</summary>
    private sealed class Refused(SqliteDatabase database) : CarriedWrite(database)
    {
        public override void WriteIn(WriteScope scope) => throw new IOException("The unit was refused (injected by the test).");
        public override void Committed() { }
        public override void Failed(Exception error) { }
    }
}
