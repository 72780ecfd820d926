using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orderly.ConsumerPipeline;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Embedded.Store;
using Orderly.Hosting.OperationCounting;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Hosting.Tests;

/// <summary>
/// Embedded mode's one-unit hops ride on capabilities of the concrete store and feed: a handled message's batch commits with
/// its completion and the writes handed to its unit, such as a saga reply's turn (<see cref="ICompletingStore"/>), a relay round
/// publishes with its acknowledgement (<see cref="IPublishingFeed"/>).
/// The pipeline and the relay find them by a type test, so a decorator that forgets to pass them on silently turns each hop
/// back into two units. Every decorator of either port in the shop's building blocks is checked here, wrapped around the
/// embedded one as the local host wraps it, with the settlement and the publisher the host hands it.
/// </summary>
public sealed class DecoratorCapabilityTests : IAsyncLifetime
{
    private const string Queue = "capability-queue";
    private readonly string _directory = Directory.CreateTempSubdirectory("orderly-decorators-").FullName;
    private readonly OperationCounts _counts = new();
    private SqliteDatabase _database = null!;
    private EmbeddedBroker _broker = null!;

    /// <summary>The assemblies whose types may decorate a port (where the local host's wiring takes them from).</summary>
    private static readonly Assembly[] BuildingBlocks =
    [
        typeof(IDocumentStore).Assembly, typeof(IOutboxFeed).Assembly, typeof(ConsumerRegistration).Assembly,
        typeof(EmbeddedDocumentStore).Assembly, typeof(CountingDocumentStore).Assembly,
    ];

    public static TheoryData<Type> StoreDecorators => new(DecoratorsOf(typeof(IDocumentStore)));

    public static TheoryData<Type> FeedDecorators => new(DecoratorsOf(typeof(IOutboxFeed)));

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(_directory, "orderly.db"));
        _broker = await EmbeddedBroker.OpenAsync(_database, new EmbeddedBrokerTopology().AddQueue(Queue));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } // a leftover temp file is harmless
    }

    [Fact]
    public void The_counting_decorators_are_among_those_checked()
    {
        Assert.Contains(typeof(CountingDocumentStore), DecoratorsOf(typeof(IDocumentStore)));
        Assert.Contains(typeof(CountingOutboxFeed), DecoratorsOf(typeof(IOutboxFeed)));
    }

    [Theory]
    [MemberData(nameof(StoreDecorators))]
    public async Task A_store_decorator_still_commits_a_handled_messages_batch_and_its_completion_as_one_unit(Type decorator)
    {
        var store = (IDocumentStore)Decorate(decorator, new EmbeddedDocumentStore(_database, "orders"));
        var settlement = await ReceivedAsTheHostSeesItAsync();

        var completing = Assert.IsAssignableFrom<ICompletingStore>(store);
        Assert.True(completing.CanComplete(settlement), $"{decorator.Name} hides the embedded store's completion from the pipeline");
        var committed = await completing.CommitAndCompleteAsync(new WriteBatch("p-1").Create("d-1", "note", new { text = "done" }), settlement, []);

        Assert.Null(committed.CompletionFailure);
        Assert.NotNull(await store.ReadAsync("p-1", "d-1"));
        Assert.Empty(await _broker.ReceiveAsync(Queue, 1)); // completed in that unit: nothing left to deliver
    }

    [Theory]
    [MemberData(nameof(StoreDecorators))]
    public async Task A_store_decorator_still_lets_a_handled_messages_unit_carry_writes_on_its_database(Type decorator)
    {
        var store = (IDocumentStore)Decorate(decorator, new EmbeddedDocumentStore(_database, "orders"));
        var settlement = await ReceivedAsTheHostSeesItAsync();
        await _database.EnsureSchemaAsync("CREATE TABLE IF NOT EXISTS carried(note TEXT NOT NULL)");
        var carried = new NoteWrite(_database);

        var completing = Assert.IsAssignableFrom<ICompletingStore>(store);
        Assert.True(completing.CanCarry(carried), $"{decorator.Name} hides the embedded store's carried writes from the pipeline (a saga reply's turn)");
        await completing.CommitAndCompleteAsync(new WriteBatch("p-1").Create("d-1", "note", new { text = "done" }), settlement, [carried]);

        Assert.True(carried.WasCommitted);
        Assert.Equal(1L, _database.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM carried";
            return (long)cmd.ExecuteScalar()!;
        }));
    }

    /// <summary>A write of another component on the store's database (as a saga's turn is).</summary>
    private sealed class NoteWrite(SqliteDatabase database) : CarriedWrite(database)
    {
        public bool WasCommitted { get; private set; }

        public override void WriteIn(WriteScope scope)
        {
            using var cmd = scope.Command("INSERT INTO carried(note) VALUES ('carried')");
            cmd.ExecuteNonQuery();
        }

        public override void Committed() => WasCommitted = true;

        public override void Failed(Exception error) => throw new InvalidOperationException("The unit failed.", error);
    }

    [Theory]
    [MemberData(nameof(FeedDecorators))]
    public void A_feed_decorator_still_publishes_and_acknowledges_as_one_unit(Type decorator)
    {
        var feed = (IOutboxFeed)Decorate(decorator, new EmbeddedOutboxFeed(_database, "orders"));

        var publishing = Assert.IsAssignableFrom<IPublishingFeed>(feed);
        Assert.True(publishing.CanPublishTo(new CountingPublisher(_broker, _counts)), $"{decorator.Name} hides the embedded feed's publishing from the relay");
    }

    /// <summary>The types that implement <paramref name="port"/> and take one in their constructor: decorators of it.</summary>
    private static List<Type> DecoratorsOf(Type port) =>
        BuildingBlocks.SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && port.IsAssignableFrom(t)
                        && t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == port)))
            .ToList();

    // Its other constructor arguments (the counters, a clock) come from a container; one it cannot make fails naming itself.
    private object Decorate(Type decorator, object inner)
    {
        using var services = new ServiceCollection().AddSingleton(_counts).AddSingleton(TimeProvider.System).BuildServiceProvider();
        return ActivatorUtilities.CreateInstance(services, decorator, inner);
    }

    /// <summary>A message received from the embedded broker, its settlement counted as the local host's consumers wrap it.</summary>
    private async Task<IMessageSettlement> ReceivedAsTheHostSeesItAsync()
    {
        await _broker.SendAsync([new BrokerMessage(Queue, Guid.NewGuid().ToString("N"), "{}"u8.ToArray(), new Dictionary<string, string>())]);
        var received = Assert.Single(await _broker.ReceiveAsync(Queue, 1));
        return new CountingSettlement(received.Settlement, _counts, bytes: 2);
    }
}
