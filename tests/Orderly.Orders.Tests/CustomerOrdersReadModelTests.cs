using System.Net;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Hosting.Access;
using Orderly.Orders.Handlers;

namespace Orderly.Orders.Tests;

/// <summary>GET /api/customers/{customerId}/orders, fed by the order events as the read-model subscription delivers them.</summary>
public sealed class CustomerOrdersReadModelTests : IAsyncLifetime
{
    private readonly OrdersHarness _orders = new();
    private HttpClient _client = null!;

    /// <summary>An operator's client: it may read any customer's list.</summary>
    public async Task InitializeAsync() => _client = await _orders.ClientAsync("ops", Roles.Operator);

    public async Task DisposeAsync() => await _orders.DisposeAsync();

    /// <summary>Delivers every pending order event to the read-model handlers (the relay + subscription, by hand).</summary>
    private async Task DeliverEventsAsync()
    {
        var pending = await _orders.Outbox.ReadPendingAsync(1000);
        foreach (var record in pending.Where(p => p.Record.Destination == Destinations.OrdersEvents))
        {
            switch (EnvelopeJson.ReadData(record.Record.ToOutgoing().Envelope))
            {
                case OrderPlaced e: await _orders.HandleAsync(new OrderPlacedReadModelHandler(), e); break;
                case OrderConfirmed e: await _orders.HandleAsync(new OrderConfirmedReadModelHandler(), e); break;
                case OrderCancelled e: await _orders.HandleAsync(new OrderCancelledReadModelHandler(), e); break;
            }
        }
        await _orders.Outbox.AcknowledgeAsync(pending);
    }

    private async Task<string> PlaceAsync(string customerId)
    {
        using var customer = await _orders.ClientAsync(customerId, Roles.Customer);
        using var response = await customer.PostAsync(OrderRequests.Valid(customerId));
        return (await response.JsonAsync()).GetProperty("orderId").GetString()!;
    }

    private async Task<List<(string OrderId, string Status)>> ListAsync(string customerId)
    {
        using var customer = await _orders.ClientAsync(customerId, Roles.Customer);
        using var response = await customer.GetAsync($"/api/customers/{customerId}/orders");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).EnumerateArray()
            .Select(o => (o.GetProperty("orderId").GetString()!, o.GetProperty("status").GetString()!)).ToList();
    }

    [Fact]
    public async Task A_customer_sees_their_orders_newest_first_with_each_status()
    {
        var first = await PlaceAsync("cust-1");
        _orders.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await PlaceAsync("cust-1");
        _orders.Clock.Advance(TimeSpan.FromMinutes(1));
        var third = await PlaceAsync("cust-1");
        await PlaceAsync("someone-else");
        await DeliverEventsAsync();

        await _orders.HandleAsync(new ConfirmOrderHandler(_orders.Messaging), new ConfirmOrder(first, new Money(10m, "EUR")));
        await _orders.HandleAsync(new CancelOrderHandler(_orders.Messaging), new CancelOrder(second, "out-of-stock"));
        await DeliverEventsAsync();

        Assert.Equal([(third, "Pending"), (second, "Cancelled"), (first, "Confirmed")], await ListAsync("cust-1"));
    }

    [Fact]
    public async Task Events_arriving_out_of_order_or_twice_leave_the_final_status()
    {
        var at = _orders.Clock.GetUtcNow();
        var placed = new OrderPlaced("o-9", "cust-9", [new OrderLine("A", 1)], new ShippingAddress("Ada", "1 Road", "London", "N1", "GB"), "tok", at);
        var cancelled = new OrderCancelled("o-9", "cust-9", "timeout", at.AddMinutes(5));

        await _orders.HandleAsync(new OrderCancelledReadModelHandler(), cancelled);
        await _orders.HandleAsync(new OrderPlacedReadModelHandler(), placed);
        await _orders.HandleAsync(new OrderPlacedReadModelHandler(), placed);
        await _orders.HandleAsync(new OrderCancelledReadModelHandler(), cancelled);

        using var response = await _client.GetAsync("/api/customers/cust-9/orders");
        var order = Assert.Single((await response.JsonAsync()).EnumerateArray());
        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.Equal("timeout", order.GetProperty("cancellationReason").GetString());
        Assert.Equal(at, order.GetProperty("placedAt").GetDateTimeOffset());
        Assert.Equal(at.AddMinutes(5), order.GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_duplicate_event_writes_nothing()
    {
        var at = _orders.Clock.GetUtcNow();
        var confirmed = new OrderConfirmed("o-7", "cust-7", new Money(3m, "EUR"), at);
        var first = await _orders.HandleAsync(new OrderConfirmedReadModelHandler(), confirmed);
        var second = await _orders.HandleAsync(new OrderConfirmedReadModelHandler(), confirmed);
        Assert.False(first.Batch.IsEmpty);
        Assert.True(second.Batch.IsEmpty);
    }

    [Fact]
    public async Task A_customer_with_no_orders_gets_an_empty_list_and_a_bad_customer_id_a_400()
    {
        Assert.Empty(await ListAsync("nobody"));
        using var response = await _client.GetAsync($"/api/customers/{new string('c', 65)}/orders");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("customerId", await response.ErrorFieldsAsync());
    }
}
