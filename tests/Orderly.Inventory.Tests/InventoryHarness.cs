using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Hosting.Access;
using Orderly.Inventory.Domain;
using Orderly.Inventory.Handlers;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Inventory.Tests;

/// <summary>The inventory context on a real embedded store (a temporary SQLite file), driven the way the consumer pipeline drives it.</summary>
public sealed class InventoryHarness : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "orderly-inventory-tests", Guid.NewGuid().ToString("N") + ".db");
    private WebApplication? _app;

    public InventoryHarness()
    {
        Database = new SqliteDatabase(_path);
        Store = new EmbeddedDocumentStore(Database, InventoryModule.Name);
        Envelopes = new EnvelopeFactory(InventoryModule.Source, TimeProvider.System);
        Options = InventoryOptions.Contract;
    }

    public SqliteDatabase Database { get; }
    public EmbeddedDocumentStore Store { get; }
    public EnvelopeFactory Envelopes { get; }
    public InventoryOptions Options { get; }

    public ReserveStockHandler Reserve => new(Options);
    public ReleaseStockHandler Release => new(Options);
    public CommitStockHandler Commit => new(Options);

    /// <summary>Handles one command as the pipeline would: stage, then commit the batch with the outgoing messages; returns the messages sent.</summary>
    public async Task<IReadOnlyList<object>> HandleAsync<T>(IMessageHandler<T> handler, T message, bool commit = true) where T : notnull
    {
        var finish = await StageAsync(handler, message);
        return commit ? await finish() : []; // not committing = a crash before the final batch
    }

    /// <summary>Runs the handler and returns the commit of its final batch, to be run later (or never: a crash).</summary>
    public async Task<Func<Task<IReadOnlyList<object>>>> StageAsync<T>(IMessageHandler<T> handler, T message) where T : notnull
    {
        var command = EnvelopeJson.Create(message, Guid.NewGuid().ToString("N"), "/orderly/checkout", DateTimeOffset.UtcNow,
            "corr-" + Guid.NewGuid().ToString("N"), replyTo: Destinations.CheckoutReplies);
        var context = new MessageContext(command, Store, new WriteBatch(handler.PartitionKeyFor(message)), Envelopes, NullLogger.Instance);
        await handler.HandleAsync(message, context, CancellationToken.None);
        return async () =>
        {
            foreach (var outgoing in context.Outgoing) context.Batch.AddOutgoing(outgoing, DateTimeOffset.UtcNow);
            if (!context.Batch.IsEmpty) await Store.CommitAsync(context.Batch);
            // Reading the data back through the catalog checks every reply against its published contract (schema included).
            return context.Outgoing.Select(o => EnvelopeJson.ReadData(o.Envelope)).ToList();
        };
    }

    /// <summary>The single reply of a command.</summary>
    public async Task<object> ReplyToAsync<T>(IMessageHandler<T> handler, T message) where T : notnull =>
        Assert.Single(await HandleAsync(handler, message));

    public async Task SeedAsync(string sku, int onHand, decimal unitPrice = 10m, string currency = "EUR")
    {
        var product = Product.List(sku, "Product " + sku, unitPrice, currency);
        if (onHand > 0) product.AdjustStock(onHand);
        await Store.CreateAsync(sku, Product.Kind, Product.Kind, product);
    }

    public async Task<Product> ProductAsync(string sku) => (await Store.ReadAsync(sku, Product.Kind))!.As<Product>();

    public async Task<Reservation?> ReservationAsync(string orderId) => (await Store.ReadAsync(orderId, Reservation.Kind))?.As<Reservation>();

    /// <summary>The outbox records staged in a partition (what the relay will publish).</summary>
    public async Task<IReadOnlyList<OutboxRecord>> OutboxAsync(string partitionKey) =>
        (await Store.QueryAsync(partitionKey, OutboxRecord.Kind)).Select(d => d.As<OutboxRecord>()).ToList();

    /// <summary>What the test server logged.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The issuer the test server trusts.</summary>
    public TestTokens Tokens { get; } = new();

    /// <summary>An HTTP client for the inventory API on a test server, calling as shop admin <c>shopkeeper</c>.</summary>
    public Task<HttpClient> ClientAsync() => ClientAsync("shopkeeper", Roles.ShopAdmin);

    /// <summary>An HTTP client for the inventory API calling as <paramref name="subject"/> with <paramref name="roles"/> (none: anonymous).</summary>
    public async Task<HttpClient> ClientAsync(string? subject, params string[] roles)
    {
        if (_app is null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders().AddProvider(Logs);
            builder.Services.AddInventoryContext(builder.Configuration);
            builder.Services.AddKeyedSingleton<IDocumentStore>(InventoryModule.Name, Store);
            builder.Services.AddProblemDetails();
            builder.Services.AddAccessGate(_ => Tokens.Validator());
            _app = builder.Build();
            _app.UseAccessGate();
            _app.MapInventoryApi();
            _app.RequireRoutePolicies(); // as the local host does: every route declares who may call it
            await _app.StartAsync();
        }
        var client = _app.GetTestClient();
        return subject is null ? client : Tokens.As(client, subject, roles);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await Database.DisposeAsync();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
    }
}
