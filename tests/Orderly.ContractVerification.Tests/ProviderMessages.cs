using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orderly.Checkout;
using Orderly.Checkout.Handlers;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Inventory;
using Orderly.Inventory.Domain;
using Orderly.Inventory.Handlers;
using Orderly.Messaging;
using Orderly.Orchestrations;
using Orderly.Hosting.Access;
using Orderly.Orders;
using Orderly.Orders.Handlers;
using Orderly.Outbox;
using Orderly.Payments;
using Orderly.Payments.Handlers;
using Orderly.Payments.Provider;
using Orderly.Shipping;
using Orderly.Shipping.Carrier;
using Orderly.Shipping.Handlers;
using Orderly.Storage;

namespace Orderly.ContractVerification.Tests;

/// <summary>A message as a provider really writes it: its destination and the CloudEvents JSON the relay (or the saga's send step) puts on the bus.</summary>
public sealed record ProducedMessage(string Provider, string Destination, JsonElement Envelope)
{
    public string Type => Envelope.GetProperty("type").GetString()!;
}

/// <summary>
/// Runs each provider's real code on an embedded store and collects what it emits: orders' HTTP API and command handlers,
/// inventory's, payments' and shipping's command handlers (their outbox records, read back from the store), and the checkout
/// saga started by orders' own OrderPlaced through checkout's real handler (the commands its send step publishes).
/// </summary>
public static class ProviderMessages
{
    private static readonly Lazy<Task<IReadOnlyList<ProducedMessage>>> Produced = new(ProduceAllAsync);

    public static Task<IReadOnlyList<ProducedMessage>> AllAsync() => Produced.Value;

    private static async Task<IReadOnlyList<ProducedMessage>> ProduceAllAsync()
    {
        var all = new List<ProducedMessage>();
        all.AddRange(await OrdersAsync());
        all.AddRange(await InventoryAsync());
        all.AddRange(await PaymentsAsync());
        all.AddRange(await ShippingAsync());
        var placed = all.First(m => m.Type == MessageCatalog.For<OrderPlaced>().Name);
        all.AddRange(await CheckoutAsync(placed.Envelope));
        return all;
    }

    private static async Task<IReadOnlyList<ProducedMessage>> OrdersAsync()
    {
        await using var ctx = new ProviderStore(OrdersModule.Name, OrdersModule.Source);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddKeyedSingleton<IDocumentStore>(OrdersModule.Name, ctx.Store);
        builder.Services.AddOrdersContext(builder.Configuration);
        var tokens = new TestTokens();
        builder.Services.AddAccessGate(_ => tokens.Validator());
        await using var app = builder.Build();
        app.UseAccessGate();
        app.MapOrdersApi();
        await app.StartAsync();
        var client = tokens.As(app.GetTestClient(), "cust-1", Roles.Customer);

        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/orders", new
            {
                customerId = "cust-1",
                items = new[] { new { sku = "SKU-1", quantity = 2 }, new { sku = "SKU-2", quantity = 1 } },
                shippingAddress = new { name = "Ada Lovelace", line1 = "1 Analytical St", city = "London", postalCode = "N1 9GU", country = "GB" },
                paymentToken = "tok_visa",
            });
            response.EnsureSuccessStatusCode();
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString()!);
        }
        var messaging = OrdersMessaging.Contract;
        await ctx.HandleAsync(new ConfirmOrderHandler(messaging), new ConfirmOrder(ids[0], new Money(37.5m, "EUR")));
        await ctx.HandleAsync(new CancelOrderHandler(messaging), new CancelOrder(ids[1], "out-of-stock"));
        return await ctx.OutboxAsync();
    }

    private static async Task<IReadOnlyList<ProducedMessage>> InventoryAsync()
    {
        await using var ctx = new ProviderStore(InventoryModule.Name, InventoryModule.Source);
        var options = InventoryOptions.Contract;
        var product = Product.List("SKU-1", "Widget", 12.5m, "EUR");
        product.AdjustStock(10);
        await ctx.Store.CreateAsync("SKU-1", Product.Kind, Product.Kind, product);

        await ctx.HandleAsync(new ReserveStockHandler(options), new ReserveStock("order-1", [new OrderLine("SKU-1", 3)]));
        await ctx.HandleAsync(new CommitStockHandler(options), new CommitStock("order-1"));
        await ctx.HandleAsync(new ReserveStockHandler(options), new ReserveStock("order-2", [new OrderLine("NO-SUCH-SKU", 1)]));
        await ctx.HandleAsync(new ReserveStockHandler(options), new ReserveStock("order-3", [new OrderLine("SKU-1", 1)]));
        await ctx.HandleAsync(new ReleaseStockHandler(options), new ReleaseStock("order-3"));
        return await ctx.OutboxAsync();
    }

    private static async Task<IReadOnlyList<ProducedMessage>> PaymentsAsync()
    {
        await using var ctx = new ProviderStore(PaymentsModule.Name, PaymentsModule.Source);
        var provider = new SimulatedPaymentProvider();
        var authorized = await ctx.HandleAsync(new AuthorizePaymentHandler(provider), new AuthorizePayment("order-1", new Money(37.5m, "EUR"), "tok_visa"));
        var paymentId = ((PaymentAuthorized)EnvelopeJson.ReadData(authorized.Single().Envelope)).PaymentId;
        await ctx.HandleAsync(new CapturePaymentHandler(provider), new CapturePayment("order-1", paymentId));
        await ctx.HandleAsync(new AuthorizePaymentHandler(provider), new AuthorizePayment("order-2", new Money(37.5m, "EUR"), "tok_decline"));
        await ctx.HandleAsync(new CapturePaymentHandler(provider), new CapturePayment("order-3", "pay_unknown"));
        await ctx.HandleAsync(new AuthorizePaymentHandler(provider), new AuthorizePayment("order-4", new Money(12m, "EUR"), "tok_visa"));
        await ctx.HandleAsync(new VoidPaymentHandler(provider), new VoidPayment("order-4"));
        return await ctx.OutboxAsync();
    }

    private static async Task<IReadOnlyList<ProducedMessage>> ShippingAsync()
    {
        await using var ctx = new ProviderStore(ShippingModule.Name, ShippingModule.Source);
        var carrier = new SimulatedCarrier();
        var items = new List<OrderLine> { new("SKU-1", 2) };
        await ctx.HandleAsync(new CreateShipmentHandler(carrier), new CreateShipment("order-1", new ShippingAddress("Ada", "1 Road", "London", "N1", "GB"), items));
        await ctx.HandleAsync(new CreateShipmentHandler(carrier), new CreateShipment("order-2", new ShippingAddress("Amundsen", "Pole", "South Pole", "0000", "AQ"), items));
        await ctx.HandleAsync(new CancelShipmentHandler(carrier), new CancelShipment("order-1"));
        return await ctx.OutboxAsync();
    }

    /// <summary>
    /// Orders' OrderPlaced goes through checkout's real OrderPlacedHandler; the saga it starts runs twice on a scripted context
    /// (the happy path, and a capture failure that runs every compensation), and each command it decides is published by the
    /// real send step.
    /// </summary>
    private static async Task<IReadOnlyList<ProducedMessage>> CheckoutAsync(JsonElement orderPlaced)
    {
        var starter = new CapturingSagaStarter();
        var envelope = EnvelopeJson.Parse(JsonSerializer.SerializeToUtf8Bytes(orderPlaced));
        await using (var ctx = new ProviderStore(CheckoutModule.Name, CheckoutModule.Source))
        {
            var handler = new OrderPlacedHandler(starter, Options.Create(new CheckoutOptions()));
            await handler.HandleAsync((OrderPlaced)EnvelopeJson.ReadData(envelope), ctx.ContextFor(envelope, "unused"), CancellationToken.None);
        }
        var input = starter.Input ?? throw new InvalidOperationException("OrderPlacedHandler started no saga");

        var publisher = new CapturingPublisher();
        var send = new SendCheckoutCommand(publisher, TimeProvider.System);
        foreach (var captureFails in new[] { false, true })
        {
            var saga = new ScriptedReplies(input.OrderId, captureFails);
            await CheckoutSaga.RunAsync(saga, input);
            foreach (var command in saga.Sent) await send.RunAsync(command, CancellationToken.None);
        }
        return publisher.Sent.Select(m => new ProducedMessage(CheckoutModule.Name, m.Destination,
            JsonDocument.Parse(EnvelopeJson.Serialize(m.Envelope)).RootElement.Clone())).ToList();
    }

    private sealed class CapturingSagaStarter : ISagaStarter
    {
        public CheckoutInput? Input { get; private set; }

        public Task<bool> StartIfNotExistsAsync(string name, string instanceId, object input, CancellationToken cancellationToken = default)
        {
            Input = (CheckoutInput)input;
            return Task.FromResult(true);
        }
    }

    private sealed class CapturingPublisher : IMessagePublisher
    {
        public List<OutgoingMessage> Sent { get; } = [];

        public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
        {
            Sent.AddRange(messages);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A saga context whose base services answer at once, consistently (the saga checks each reply against what it asked); the
    /// capture can be made to fail so every compensation runs.
    /// </summary>
    private sealed class ScriptedReplies(string orderId, bool captureFails) : SagaContext
    {
        private readonly Dictionary<string, object> _replies = [];
        private Money? _authorized;
        private int _ticks;

        public List<CheckoutCommand> Sent { get; } = [];
        public override string InstanceId => orderId;
        public override DateTime CurrentUtcDateTime => new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc).AddSeconds(_ticks++);
        public override bool IsReplaying => false;
        protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;
        public override Guid NewGuid() => Guid.NewGuid();
        public override Task DelayAsync(TimeSpan delay) => Task.CompletedTask;
        public override void SetCustomStatus(object? customStatus) { }

        public override Task<TResult> CallStepAsync<TResult>(string name, object? input, StepRetryPolicy? retry = null)
        {
            var command = (CheckoutCommand)input!;
            Sent.Add(command);
            var data = command.Data.Deserialize(MessageCatalog.Find(command.Type)!.ClrType, MessageCatalog.JsonOptions)!;
            _replies[command.MessageId] = Answer(data);
            return Task.FromResult((TResult)(object)command.MessageId);
        }

        public override Task<EventWaitResult<T>> WaitForEventAsync<T>(string name, TimeSpan timeout) =>
            Task.FromResult(EventWaitResult<T>.Received((T)(object)EnvelopeJson.Create(_replies[name], "reply-" + name, "/test",
                DateTimeOffset.UtcNow, orderId, causationId: name)));

        private object Answer(object command) => command switch
        {
            ReserveStock r => new StockReserved(orderId, [.. r.Items.Select(i => new PricedLine(i.Sku, i.Quantity, 12.5m, "EUR"))],
                new Money(r.Items.Sum(i => i.Quantity) * 12.5m, "EUR")),
            AuthorizePayment a => new PaymentAuthorized(orderId, "pay_1", _authorized = a.Amount),
            CreateShipment => new ShipmentCreated(orderId, "shp_1", "TRK1"),
            CapturePayment c => captureFails ? new PaymentCaptureFailed(orderId, c.PaymentId, "provider-error") : new PaymentCaptured(orderId, c.PaymentId, _authorized!),
            CommitStock => new StockCommitted(orderId),
            ConfirmOrder c => new OrderConfirmed(orderId, "cust-1", c.Total, DateTimeOffset.UnixEpoch),
            ReleaseStock => new StockReleased(orderId),
            VoidPayment => new PaymentVoided(orderId, "pay_1"),
            CancelShipment => new ShipmentCancelled(orderId, "shp_1"),
            CancelOrder c => new OrderCancelled(orderId, "cust-1", c.Reason, DateTimeOffset.UnixEpoch),
            _ => throw new InvalidOperationException("unscripted command " + command.GetType().Name),
        };
    }
}

/// <summary>One provider context on a temporary embedded store: runs its handlers as the consumer pipeline does and reads its outbox.</summary>
internal sealed class ProviderStore : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "orderly-contract-tests", Guid.NewGuid().ToString("N") + ".db");
    private readonly SqliteDatabase _database;
    private readonly string _name;

    public ProviderStore(string name, string source)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _name = name;
        _database = new SqliteDatabase(_path);
        Store = new EmbeddedDocumentStore(_database, name);
        Envelopes = new EnvelopeFactory(source, TimeProvider.System);
    }

    public EmbeddedDocumentStore Store { get; }
    public EnvelopeFactory Envelopes { get; }

    public MessageContext ContextFor(Envelope envelope, string partitionKey) =>
        new(envelope, Store, new WriteBatch(partitionKey), Envelopes, NullLogger.Instance);

    /// <summary>
    /// Handles a command as the checkout sends it (correlated by its order id, with reply-to) the way the pipeline would:
    /// handle, then commit the batch with its outbox records.
    /// </summary>
    public async Task<IReadOnlyList<OutgoingMessage>> HandleAsync<T>(IMessageHandler<T> handler, T message) where T : notnull
    {
        var command = new EnvelopeFactory(CheckoutModule.Source, TimeProvider.System)
            .Create(message, correlationId: handler.PartitionKeyFor(message), replyTo: Destinations.CheckoutReplies);
        var context = ContextFor(command, handler.PartitionKeyFor(message));
        await handler.HandleAsync(message, context, CancellationToken.None);
        foreach (var outgoing in context.Outgoing) context.Batch.AddOutgoing(outgoing, DateTimeOffset.UtcNow);
        if (!context.Batch.IsEmpty) await Store.CommitAsync(context.Batch);
        return context.Outgoing;
    }

    /// <summary>Every outbox record of the context's container, as the relay would publish it.</summary>
    public async Task<IReadOnlyList<ProducedMessage>> OutboxAsync() =>
        (await new EmbeddedOutboxFeed(_database, _name).ReadPendingAsync(10_000))
            .Select(p => new ProducedMessage(_name, p.Record.Destination, p.Record.Envelope.Clone())).ToList();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
    }
}
