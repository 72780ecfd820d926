using System.Net.Http.Json;
using System.Text.Json;
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
using Orderly.Messaging;
using Orderly.Hosting.Access;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Orders.Tests;

/// <summary>
/// The orders context on a real embedded store (a temporary SQLite file): its HTTP API on a test server, and its handlers
/// driven the way the consumer pipeline drives them (handle, then commit the batch and the outgoing messages together).
/// </summary>
public sealed class OrdersHarness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly SqliteDatabase _database;
    private WebApplication? _app;

    public OrdersHarness(Func<IDocumentStore, IDocumentStore>? wrapStore = null)
    {
        _directory = Path.Combine(Path.GetTempPath(), "orderly-orders-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _database = new SqliteDatabase(Path.Combine(_directory, "orderly.db"));
        Store = new EmbeddedDocumentStore(_database, OrdersModule.Name, Clock);
        HttpStore = wrapStore?.Invoke(Store) ?? Store;
        Outbox = new EmbeddedOutboxFeed(_database, OrdersModule.Name, Clock);
        Messaging = OrdersMessaging.Contract;
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));

    public IDocumentStore Store { get; }

    /// <summary>The store the HTTP API is given (the real one, or a wrapper around it).</summary>
    public IDocumentStore HttpStore { get; }

    public OrdersMessaging Messaging { get; }

    /// <summary>Every unpublished outbox record of the orders container (what the relay would publish next).</summary>
    public IOutboxFeed Outbox { get; }

    /// <summary>The messages waiting in the whole orders outbox, in commit order.</summary>
    public async Task<IReadOnlyList<OutgoingMessage>> PendingMessagesAsync() =>
        (await Outbox.ReadPendingAsync(1000)).Select(p => p.Record.ToOutgoing()).ToList();

    /// <summary>The checkout's envelope factory, for commands sent to orders.</summary>
    public EnvelopeFactory Checkout => new("/orderly/checkout", Clock);

    /// <summary>The per-customer limit on placing orders (0 = off), read when the first client is made.</summary>
    public (int PerMinute, int Burst) PlaceOrderLimit { get; set; } = (0, 0);

    /// <summary>The issuer the test server trusts.</summary>
    public TestTokens Tokens { get; } = new();

    /// <summary>An HTTP client for the orders API on a test server, calling as customer <c>cust-1</c>.</summary>
    public Task<HttpClient> ClientAsync() => ClientAsync("cust-1", Roles.Customer);

    /// <summary>An HTTP client for the orders API calling as <paramref name="subject"/> with <paramref name="roles"/> (none: anonymous).</summary>
    public async Task<HttpClient> ClientAsync(string? subject, params string[] roles)
    {
        if (_app is null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Services.AddKeyedSingleton(OrdersModule.Name, HttpStore);
            // Off unless a test turns it on: most tests place many orders as one customer.
            builder.Configuration["RateLimits:PlaceOrder:PermitsPerMinute"] = PlaceOrderLimit.PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Configuration["RateLimits:PlaceOrder:Burst"] = PlaceOrderLimit.Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Services.AddOrdersContext(builder.Configuration);
            builder.Services.AddProblemDetails();
            builder.Services.AddAccessGate(_ => Tokens.Validator());
            _app = builder.Build();
            _app.UseAccessGate();
            _app.MapOrdersApi();
            await _app.StartAsync();
        }
        var client = _app.GetTestClient();
        return subject is null ? client : Tokens.As(client, subject, roles);
    }

    /// <summary>Runs a handler on a message as the pipeline would; returns what it staged (the batch is committed).</summary>
    public async Task<MessageContext> HandleAsync<T>(IMessageHandler<T> handler, T message, string? replyTo = Destinations.CheckoutReplies)
        where T : notnull
    {
        var envelope = Checkout.Create(message, correlationId: "corr-" + Guid.NewGuid().ToString("N"), replyTo: replyTo);
        var context = new MessageContext(envelope, Store, new WriteBatch(handler.PartitionKeyFor(message)),
            new EnvelopeFactory(OrdersModule.Source, Clock), NullLogger.Instance);
        await handler.HandleAsync(message, context, CancellationToken.None);
        foreach (var outgoing in context.Outgoing) context.Batch.AddOutgoing(outgoing, Clock.GetUtcNow());
        if (!context.Batch.IsEmpty) await Store.CommitAsync(context.Batch);
        return context;
    }

    /// <summary>The outbox records waiting in an order's partition.</summary>
    public async Task<IReadOnlyList<OutboxRecord>> OutboxAsync(string partitionKey) =>
        (await Store.QueryAsync(partitionKey, OutboxRecord.Kind)).Select(d => d.As<OutboxRecord>()).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _database.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } // best effort on a temp folder
    }
}

/// <summary>Request bodies and JSON reading for the HTTP tests.</summary>
public static class OrderRequests
{
    public static Dictionary<string, object?> Valid(string customerId = "cust-1") => new()
    {
        ["customerId"] = customerId,
        ["items"] = new object[] { new Dictionary<string, object?> { ["sku"] = "SKU-1", ["quantity"] = 2 } },
        ["shippingAddress"] = new Dictionary<string, object?>
        {
            ["name"] = "Ada Lovelace", ["line1"] = "1 Analytical St", ["city"] = "London", ["postalCode"] = "N1 9GU", ["country"] = "GB",
        },
        ["paymentToken"] = "tok_visa",
    };

    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The field names in a validation problem's <c>errors</c>.</summary>
    public static async Task<IReadOnlyList<string>> ErrorFieldsAsync(this HttpResponseMessage response)
    {
        var json = await response.JsonAsync();
        return json.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).ToList() : [];
    }
}
