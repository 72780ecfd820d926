using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Functions.Hosting;
using Orderly.Messaging;
using Orderly.Messaging.ServiceBus;
using Orderly.Orders;
using Orderly.Orders.Domain;
using Orderly.Orders.Functions;
using Orderly.Storage;

namespace Orderly.Functions.Tests;

/// <summary>
/// What the orders app does with a message its Service Bus triggers hand over, wired by its own code (the embedded store standing
/// in for its Cosmos DB container): the delivery is completed, or dead-lettered with a reason, never left to loop.
/// </summary>
public sealed class ServiceBusConsumerTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orderly-functions-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private IHost _host = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _database = new SqliteDatabase(Path.Combine(_folder, "orders.db"));
        var store = new EmbeddedDocumentStore(_database, OrdersModule.Name);
        _host = AppHosts.Build("functions/orders/Orderly.Orders.Functions", b => b.AddOrdersApp(),
            b => b.Services.AddKeyedSingleton<IDocumentStore>(OrdersModule.Name, store));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static ServiceBusReceivedMessage Delivered(ServiceBusMessage sent) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: sent.Body, messageId: sent.MessageId, correlationId: sent.CorrelationId,
            subject: sent.Subject, contentType: sent.ContentType, replyTo: sent.ReplyTo,
            properties: new Dictionary<string, object>(sent.ApplicationProperties), deliveryCount: 1, sequenceNumber: 1,
            enqueuedTime: DateTimeOffset.UtcNow);

    private static Envelope Envelope<T>(T message, string orderId) where T : notnull =>
        EnvelopeJson.Create(message, id: Guid.NewGuid().ToString("N"), source: "/orderly/tests", time: DateTimeOffset.UtcNow,
            correlationId: orderId, subject: orderId);

    private async Task<RecordedDelivery> ProcessAsync(string entity, ServiceBusReceivedMessage message)
    {
        var delivery = new RecordedDelivery(message);
        await _host.Services.GetRequiredService<ServiceBusConsumer>().ProcessAsync(entity, delivery, CancellationToken.None);
        return delivery;
    }

    [Fact]
    public async Task A_malformed_message_is_dead_lettered_at_once_with_a_reason()
    {
        var sent = new ServiceBusMessage(BinaryData.FromString("{\"not\":\"an envelope\"")) { MessageId = "m-1", ContentType = "application/json" };

        var delivery = await ProcessAsync(Destinations.OrdersCommands, Delivered(sent));

        Assert.Equal(["dead-letter"], delivery.Calls);
        Assert.False(string.IsNullOrWhiteSpace(delivery.DeadLetter!.Value.Reason));
        Assert.Equal(delivery.DeadLetter!.Value.Reason, delivery.DeadLetter!.Value.Properties[ServiceBusSettlement.ReasonProperty]);
    }

    [Fact]
    public async Task A_command_for_an_order_that_does_not_exist_is_dead_lettered_naming_why()
    {
        var sent = new OutgoingMessage(Destinations.OrdersCommands, Envelope(new CancelOrder("no-such-order", "timeout"), "no-such-order")).ToServiceBusMessage();

        var delivery = await ProcessAsync(Destinations.OrdersCommands, Delivered(sent));

        Assert.Equal(["dead-letter"], delivery.Calls);
        Assert.Equal("order-not-found", delivery.DeadLetter!.Value.Reason);
    }

    [Fact]
    public async Task An_order_event_on_the_read_model_subscription_is_projected_and_its_redelivery_completed()
    {
        var placed = new OrderPlaced("order-7", "ada", [new OrderLine("mug-orderly", 2)],
            new ShippingAddress("Ada", "12 Analytical Row", "London", "N1 7AA", "GB"), "tok_visa", DateTimeOffset.UtcNow);
        var entity = EntityPath.Subscription(Destinations.OrdersEvents, Destinations.OrdersReadModelSubscription);
        var sent = new OutgoingMessage(Destinations.OrdersEvents, Envelope(placed, "order-7")).ToServiceBusMessage();

        var first = await ProcessAsync(entity, Delivered(sent));
        var again = await ProcessAsync(entity, Delivered(sent));

        Assert.Equal(["complete"], first.Calls);
        Assert.Equal(["complete"], again.Calls);
        var summaries = await _host.Services.GetRequiredKeyedService<IDocumentStore>(OrdersModule.Name)
            .QueryAsync(CustomerOrderSummary.PartitionFor("ada"), CustomerOrderSummary.Kind, CancellationToken.None);
        Assert.Equal(CustomerOrderSummary.DocumentIdFor("order-7"), Assert.Single(summaries).Id);
    }
}
