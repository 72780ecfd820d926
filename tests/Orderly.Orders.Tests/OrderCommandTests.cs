using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Orders.Domain;
using Orderly.Orders.Handlers;
using Orderly.Orders.Persistence;
using Orderly.Storage;

namespace Orderly.Orders.Tests;

/// <summary>ConfirmOrder and CancelOrder from the checkout, handled on the embedded store.</summary>
public sealed class OrderCommandTests : IAsyncLifetime
{
    private readonly OrdersHarness _orders = new();
    private ConfirmOrderHandler _confirm = null!;
    private CancelOrderHandler _cancel = null!;

    public Task InitializeAsync()
    {
        _confirm = new ConfirmOrderHandler(_orders.Messaging);
        _cancel = new CancelOrderHandler(_orders.Messaging);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _orders.DisposeAsync();

    private async Task<string> PlaceAsync(string orderId = "order-1")
    {
        var request = new PlaceOrder("cust-1", [new OrderLine("SKU-1", 1)], new ShippingAddress("Ada", "1 Road", "London", "N1", "GB"), "tok");
        await _orders.Store.CommitAsync(new WriteBatch(orderId).SaveOrder(Order.Place(orderId, request, _orders.Clock.GetUtcNow()), null));
        return orderId;
    }

    [Fact]
    public async Task ConfirmOrder_twice_changes_the_order_once_and_replies_each_time()
    {
        var orderId = await PlaceAsync();
        var total = new Money(31.00m, "EUR");

        _orders.Clock.Advance(TimeSpan.FromMinutes(1));
        var first = await _orders.HandleAsync(_confirm, new ConfirmOrder(orderId, total));
        var afterFirst = await _orders.Store.ReadAsync(orderId, orderId);
        _orders.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await _orders.HandleAsync(_confirm, new ConfirmOrder(orderId, total));

        Assert.Equal([Destinations.CheckoutReplies, Destinations.OrdersEvents], first.Outgoing.Select(m => m.Destination).Order(StringComparer.Ordinal));
        var reply = Assert.Single(second.Outgoing);
        Assert.Equal(Destinations.CheckoutReplies, reply.Destination);
        var confirmed = Assert.IsType<OrderConfirmed>(EnvelopeJson.ReadData(reply.Envelope));
        Assert.Equal(total, confirmed.Total);
        Assert.Equal(afterFirst!.ETag, (await _orders.Store.ReadAsync(orderId, orderId))!.ETag); // no second write
        var published = (await _orders.PendingMessagesAsync()).Where(m => m.Destination == Destinations.OrdersEvents);
        Assert.Single(published);
    }

    [Fact]
    public async Task The_reply_and_the_event_carry_the_customer_and_the_command_as_cause()
    {
        var orderId = await PlaceAsync();
        var context = await _orders.HandleAsync(_confirm, new ConfirmOrder(orderId, new Money(5m, "USD")));
        foreach (var message in context.Outgoing)
        {
            var confirmed = Assert.IsType<OrderConfirmed>(EnvelopeJson.ReadData(message.Envelope));
            Assert.Equal("cust-1", confirmed.CustomerId);
            Assert.Equal(context.Envelope.Id, message.Envelope.CausationId);
            Assert.Equal(context.Envelope.CorrelationId, message.Envelope.CorrelationId);
            Assert.Equal(OrdersModule.Source, message.Envelope.Source);
        }
    }

    [Fact]
    public async Task A_late_ConfirmOrder_after_a_cancel_is_dead_lettered_and_leaves_the_order_cancelled()
    {
        var orderId = await PlaceAsync();
        await _orders.HandleAsync(_cancel, new CancelOrder(orderId, "timeout"));

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            _orders.HandleAsync(_confirm, new ConfirmOrder(orderId, new Money(10m, "EUR"))));
        Assert.Equal("order-already-cancelled", failure.Reason);
        var order = (await _orders.Store.LoadOrderAsync(orderId, default))!.Order;
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Null(order.Total);
    }

    [Fact]
    public async Task A_cancelled_order_keeps_the_total_the_checkout_knew_and_tells_the_world()
    {
        var orderId = await PlaceAsync();
        var total = new Money(31.00m, "EUR");

        var context = await _orders.HandleAsync(_cancel, new CancelOrder(orderId, "payment-declined", total));

        Assert.Equal(total, (await _orders.Store.LoadOrderAsync(orderId, default))!.Order.Total);
        Assert.All(context.Outgoing, m => Assert.Equal(total, Assert.IsType<OrderCancelled>(EnvelopeJson.ReadData(m.Envelope)).Total));
        // A cancel before any reservation knows no total: none is made up.
        var early = await PlaceAsync("order-2");
        await _orders.HandleAsync(_cancel, new CancelOrder(early, "out-of-stock"));
        Assert.Null((await _orders.Store.LoadOrderAsync(early, default))!.Order.Total);
    }

    [Fact]
    public async Task CancelOrder_on_a_confirmed_order_is_dead_lettered_and_the_order_stays_confirmed()
    {
        var orderId = await PlaceAsync();
        await _orders.HandleAsync(_confirm, new ConfirmOrder(orderId, new Money(10m, "EUR")));
        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() => _orders.HandleAsync(_cancel, new CancelOrder(orderId, "timeout")));
        Assert.Equal("order-already-confirmed", failure.Reason);
        Assert.Equal(OrderStatus.Confirmed, (await _orders.Store.LoadOrderAsync(orderId, default))!.Order.Status);
    }

    [Fact]
    public async Task CancelOrder_twice_publishes_once_and_replies_the_first_reason_each_time()
    {
        var orderId = await PlaceAsync();
        var first = await _orders.HandleAsync(_cancel, new CancelOrder(orderId, "out-of-stock"));
        var second = await _orders.HandleAsync(_cancel, new CancelOrder(orderId, "timeout"));

        Assert.Equal(2, first.Outgoing.Count);
        var reply = Assert.Single(second.Outgoing);
        Assert.Equal("out-of-stock", Assert.IsType<OrderCancelled>(EnvelopeJson.ReadData(reply.Envelope)).Reason);
        Assert.Single(await _orders.PendingMessagesAsync(), m => m.Destination == Destinations.OrdersEvents);
    }

    [Fact]
    public async Task A_command_for_an_unknown_order_is_dead_lettered_as_order_not_found()
    {
        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            _orders.HandleAsync(_confirm, new ConfirmOrder("nope", new Money(1m, "EUR"))));
        Assert.Equal("order-not-found", failure.Reason);
    }

    [Fact]
    public async Task A_confirmation_decided_on_a_stale_read_never_overwrites_a_cancellation()
    {
        var orderId = await PlaceAsync();
        // The confirm reads the order and decides...
        var envelope = _orders.Checkout.Create(new ConfirmOrder(orderId, new Money(10m, "EUR")), "corr", replyTo: Destinations.CheckoutReplies);
        var racing = new MessageContext(envelope, _orders.Store, new WriteBatch(orderId),
            new Orderly.Messaging.EnvelopeFactory(OrdersModule.Source, _orders.Clock), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await _confirm.HandleAsync(new ConfirmOrder(orderId, new Money(10m, "EUR")), racing, default);
        // ...while a cancel commits first.
        await _orders.HandleAsync(_cancel, new CancelOrder(orderId, "timeout"));

        await Assert.ThrowsAsync<ConcurrencyException>(() => _orders.Store.CommitAsync(racing.Batch));
        Assert.Equal(OrderStatus.Cancelled, (await _orders.Store.LoadOrderAsync(orderId, default))!.Order.Status);
    }
}
