using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Embedded.Store;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Messaging.Tests.Pipeline;

/// <summary>
/// The consumer pipeline wired as a host wires it (DI, keyed store and envelope factory, configuration), on the real embedded
/// store and broker in a temporary SQLite file, with the <see cref="ProbeHandler"/> on <see cref="Queue"/> and logs captured.
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public const string Context = "orders";
    public const string Queue = "orders-commands";
    public const string Topic = "orders-events";
    public static readonly string Subscription = EntityPath.Subscription(Topic, "test");

    private readonly string? _ownedDirectory;

    private PipelineHarness(string path, string? ownedDirectory)
    {
        DatabasePath = path;
        _ownedDirectory = ownedDirectory;
    }

    public string DatabasePath { get; }
    public SqliteDatabase Database { get; private set; } = null!;
    public EmbeddedDocumentStore Store { get; private set; } = null!;
    public EmbeddedOutboxFeed Outbox { get; private set; } = null!;
    public EmbeddedBroker Broker { get; private set; } = null!;
    public EmbeddedDeadLetterQueue DeadLetters { get; private set; } = null!;
    public ServiceProvider Services { get; private set; } = null!;
    public ConsumerPipeline.ConsumerPipeline Pipeline { get; private set; } = null!;
    public HandlerProbe Probe { get; } = new();
    public CapturedLogs Logs { get; } = new();

    /// <summary>
    /// Opens the harness on <paramref name="databasePath"/> (a fresh temporary file when null) with the pipeline allowing
    /// <paramref name="maxDeliveryCount"/> attempts and millisecond backoff.
    /// </summary>
    public static async Task<PipelineHarness> StartAsync(int maxDeliveryCount = 4, string? databasePath = null, EmbeddedBrokerTopology? topology = null,
        int maxDeferrals = 30)
    {
        string? owned = null;
        if (databasePath is null)
        {
            owned = Path.Combine(Path.GetTempPath(), "orderly-pipeline-tests", Guid.NewGuid().ToString("N"));
            databasePath = Path.Combine(owned, "orderly.db");
        }
        var harness = new PipelineHarness(databasePath, owned);
        harness.Database = new SqliteDatabase(databasePath);
        harness.Store = new EmbeddedDocumentStore(harness.Database, Context);
        harness.Outbox = new EmbeddedOutboxFeed(harness.Database, Context);
        harness.Broker = await EmbeddedBroker.OpenAsync(harness.Database, topology ?? DefaultTopology());
        harness.DeadLetters = new EmbeddedDeadLetterQueue(harness.Broker);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Consumer:MaxDeliveryCount"] = maxDeliveryCount.ToString(),
            ["Messaging:Consumer:MaxDeferrals"] = maxDeferrals.ToString(),
            ["Messaging:Consumer:BaseDelay"] = "00:00:00.001",
            ["Messaging:Consumer:MaxDelay"] = "00:00:00.005",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.ClearProviders().AddProvider(harness.Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddKeyedSingleton<IDocumentStore>(Context, harness.Store);
        services.AddKeyedSingleton(Context, new EnvelopeFactory("/orderly/orders", TimeProvider.System));
        services.AddSingleton(harness.Probe);
        services.AddMessageHandler<ConfirmOrder, ProbeHandler>(Context, Queue);
        services.AddConsumerPipeline(configuration);
        harness.Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        harness.Pipeline = harness.Services.GetRequiredService<ConsumerPipeline.ConsumerPipeline>();
        return harness;
    }

    /// <summary>The test queue (the broker allows more deliveries than the pipeline, so the pipeline's limit is what shows) and a topic with one subscription.</summary>
    public static EmbeddedBrokerTopology DefaultTopology(int brokerMaxDeliveryCount = 50)
    {
        var settings = new EntitySettings(TimeSpan.FromSeconds(30), brokerMaxDeliveryCount, TimeSpan.FromMinutes(10));
        return new EmbeddedBrokerTopology().AddQueue(Queue, settings).AddTopic(Topic, settings).AddSubscription(Topic, "test", settings);
    }

    /// <summary>A ConfirmOrder envelope as bytes on the wire.</summary>
    public static byte[] ConfirmOrderBody(string orderId, string? messageId = null, string? traceParent = null) =>
        EnvelopeJson.Serialize(EnvelopeJson.Create(new ConfirmOrder(orderId, new Money(42m, "EUR")), messageId ?? Guid.NewGuid().ToString("N"),
            "/orderly/checkout", DateTimeOffset.UtcNow, correlationId: orderId, traceParent: traceParent));

    /// <summary>Puts raw bytes on an entity (a queue, or a topic for its subscriptions), each send with a new bus message id.</summary>
    public Task SendAsync(byte[] body, string destination = Queue) =>
        Broker.SendAsync([new BrokerMessage(destination, Guid.NewGuid().ToString("N"), body, new Dictionary<string, string>())]);

    public Task SendAsync(string body, string destination = Queue) => SendAsync(Encoding.UTF8.GetBytes(body), destination);

    /// <summary>Calls the pipeline directly, as delivery number <paramref name="deliveryCount"/> of a message.</summary>
    public async Task<RecordingSettlement> ProcessAsync(byte[] body, int deliveryCount = 1, string entity = Queue)
    {
        var settlement = new RecordingSettlement();
        var message = new ReceivedMessage(Guid.NewGuid().ToString("N"), body, entity, deliveryCount, DateTimeOffset.UtcNow, new Dictionary<string, string>());
        await Pipeline.ProcessAsync(entity, message, settlement, CancellationToken.None);
        return settlement;
    }

    /// <summary>Runs an embedded consumer on <paramref name="entity"/> through the pipeline until <paramref name="done"/> holds (or fails after a timeout).</summary>
    public async Task ConsumeUntilAsync(Func<Task<bool>> done, string entity = Queue, TimeSpan? timeout = null)
    {
        using var stop = new CancellationTokenSource();
        var consumer = new EmbeddedConsumer(Broker, entity, (m, ct) => Pipeline.ProcessAsync(entity, m.Message, m.Settlement, ct),
            new EmbeddedConsumerOptions { MaxConcurrency = 4, IdleWait = TimeSpan.FromMilliseconds(50) });
        var running = consumer.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            while (!await done())
            {
                if (running.IsCompleted) await running; // surfaces a consumer crash instead of timing out
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold in time.");
                await Task.Delay(10);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    /// <summary>Dead letters of the test queue.</summary>
    public Task<IReadOnlyList<DeadLetteredMessage>> DeadLettersAsync(string entity = Queue) => DeadLetters.ListAsync(entity);

    /// <summary>The effect document of an order, or null if it never happened.</summary>
    public async Task<Effect?> EffectOfAsync(string orderId) => (await Store.ReadAsync(orderId, Effect.Id))?.As<Effect>();

    /// <summary>Unpublished outbox records (nothing relays them in these tests).</summary>
    public async Task<IReadOnlyList<OutboxRecord>> PendingOutboxAsync() => (await Outbox.ReadPendingAsync(10_000)).Select(p => p.Record).ToList();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
        if (_ownedDirectory is null) return;
        try
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp file left behind is harmless.
        }
    }
}
