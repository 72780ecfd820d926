using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Messaging;
using Orderly.Orders.Domain;
using Orderly.Orders.Persistence;
using Orderly.Storage;

namespace Orderly.Orders.Tests;

/// <summary>The orders module wired into the real consumer pipeline, as a host wires it: messages in, settlements and state out.</summary>
public sealed class PipelineTests : IAsyncLifetime
{
    private readonly OrdersHarness _orders = new();
    private ServiceProvider _services = null!;
    private Orderly.ConsumerPipeline.ConsumerPipeline _pipeline = null!;

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_orders.Clock);
        services.AddKeyedSingleton(OrdersModule.Name, _orders.Store);
        services.AddOrdersContext(configuration);
        services.AddConsumerPipeline(configuration);
        _services = services.BuildServiceProvider();
        _pipeline = _services.GetRequiredService<Orderly.ConsumerPipeline.ConsumerPipeline>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _orders.DisposeAsync();
    }

    private async Task<string?> DeliverAsync(string entity, Envelope envelope)
    {
        var settlement = new RecordingSettlement();
        var message = new ReceivedMessage(envelope.Id, EnvelopeJson.Serialize(envelope), entity, 1, _orders.Clock.GetUtcNow(),
            new Dictionary<string, string>());
        await _pipeline.ProcessAsync(entity, message, settlement, CancellationToken.None);
        return settlement.Outcome;
    }

    private async Task PlaceAsync(string orderId)
    {
        var request = new PlaceOrder("cust-1", [new OrderLine("SKU-1", 1)], new ShippingAddress("Ada", "1 Road", "London", "N1", "GB"), "tok");
        await _orders.Store.CommitAsync(new WriteBatch(orderId).SaveOrder(Order.Place(orderId, request, _orders.Clock.GetUtcNow()), null));
    }

    [Fact]
    public void The_module_binds_the_commands_queue_and_the_read_model_subscription()
    {
        Assert.Equal(["orders-commands", "orders-events/subscriptions/orders-read-model"], _pipeline.Entities);
    }

    [Fact]
    public async Task A_ConfirmOrder_delivered_twice_as_the_same_message_confirms_and_replies_once()
    {
        await PlaceAsync("o-1");
        var command = _orders.Checkout.Create(new ConfirmOrder("o-1", new Money(9m, "EUR")), "o-1", replyTo: Destinations.CheckoutReplies);

        Assert.Equal("completed", await DeliverAsync(Destinations.OrdersCommands, command));
        Assert.Equal("completed", await DeliverAsync(Destinations.OrdersCommands, command));

        Assert.Equal(OrderStatus.Confirmed, (await _orders.Store.LoadOrderAsync("o-1", default))!.Order.Status);
        var messages = await _orders.PendingMessagesAsync();
        Assert.Single(messages, m => m.Destination == Destinations.CheckoutReplies);
        Assert.Single(messages, m => m.Destination == Destinations.OrdersEvents);
    }

    [Fact]
    public async Task A_ConfirmOrder_for_a_cancelled_order_is_dead_lettered_with_order_already_cancelled()
    {
        await PlaceAsync("o-2");
        var cancel = _orders.Checkout.Create(new CancelOrder("o-2", "timeout"), "o-2", replyTo: Destinations.CheckoutReplies);
        var confirm = _orders.Checkout.Create(new ConfirmOrder("o-2", new Money(9m, "EUR")), "o-2", replyTo: Destinations.CheckoutReplies);

        Assert.Equal("completed", await DeliverAsync(Destinations.OrdersCommands, cancel));
        Assert.Equal("dead-lettered: order-already-cancelled", await DeliverAsync(Destinations.OrdersCommands, confirm));
    }

    [Fact]
    public async Task Order_events_on_the_read_model_subscription_build_the_customer_list()
    {
        var at = _orders.Clock.GetUtcNow();
        var events = new EnvelopeFactory(OrdersModule.Source, _orders.Clock);
        var entity = EntityPath.Subscription(Destinations.OrdersEvents, "orders-read-model");
        var placed = new OrderPlaced("o-3", "cust-3", [new OrderLine("A", 1)], new ShippingAddress("Ada", "1 Road", "London", "N1", "GB"), "tok", at);

        Assert.Equal("completed", await DeliverAsync(entity, events.Create(new OrderConfirmed("o-3", "cust-3", new Money(2m, "EUR"), at.AddMinutes(1)), "o-3")));
        Assert.Equal("completed", await DeliverAsync(entity, events.Create(placed, "o-3")));

        var summary = Assert.Single(await _orders.Store.QueryAsync(CustomerOrderSummary.PartitionFor("cust-3"), CustomerOrderSummary.Kind));
        Assert.Equal(OrderStatus.Confirmed, summary.As<CustomerOrderSummary>().Status);
    }
}
