using Orderly.Contracts;
using Orderly.Orders.Domain;
using Orderly.Storage;

namespace Orderly.Orders.Tests;

public sealed class OrderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static PlaceOrder Request(string customerId = "cust-1") => new(customerId,
        [new OrderLine("SKU-1", 2)], new ShippingAddress("Ada", "1 Road", "London", "N1", "GB"), "tok_visa");

    private static Order Placed() => Order.Place("order-1", Request(), T0);

    [Fact]
    public void A_new_order_is_pending_with_no_total_yet()
    {
        var order = Placed();
        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.Null(order.Total);
        Assert.Null(order.CancellationReason);
        Assert.Equal(T0, order.CreatedAt);
    }

    [Fact]
    public void Confirming_fixes_the_total_and_confirming_again_at_that_total_changes_nothing()
    {
        var order = Placed();
        Assert.Equal(OrderChange.Changed, order.Confirm(new Money(42.50m, "EUR"), T0.AddMinutes(1)));
        Assert.Equal(OrderChange.AlreadyDone, order.Confirm(new Money(42.5m, "EUR"), T0.AddMinutes(2)));
        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal(new Money(42.50m, "EUR"), order.Total);
        Assert.Equal(T0.AddMinutes(1), order.UpdatedAt);
    }

    [Fact]
    public void Confirming_at_another_total_after_a_confirmation_is_refused()
    {
        var order = Placed();
        order.Confirm(new Money(10m, "EUR"), T0);
        var refused = Assert.Throws<OrderRefusedException>(() => order.Confirm(new Money(11m, "EUR"), T0));
        Assert.Equal(OrderRefusedException.ConfirmedAtAnotherTotal, refused.Reason);
        Assert.Equal(new Money(10m, "EUR"), order.Total);
    }

    [Fact]
    public void A_cancelled_order_cannot_be_confirmed()
    {
        var order = Placed();
        order.Cancel("timeout", T0.AddMinutes(1));
        var refused = Assert.Throws<OrderRefusedException>(() => order.Confirm(new Money(10m, "EUR"), T0.AddMinutes(2)));
        Assert.Equal(OrderRefusedException.AlreadyCancelled, refused.Reason);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Null(order.Total);
    }

    [Fact]
    public void A_confirmed_order_cannot_be_cancelled()
    {
        var order = Placed();
        order.Confirm(new Money(10m, "EUR"), T0);
        var refused = Assert.Throws<OrderRefusedException>(() => order.Cancel("timeout", T0));
        Assert.Equal(OrderRefusedException.AlreadyConfirmed, refused.Reason);
        Assert.Equal(OrderStatus.Confirmed, order.Status);
    }

    [Fact]
    public void Cancelling_again_changes_nothing_and_keeps_the_first_reason()
    {
        var order = Placed();
        Assert.Equal(OrderChange.Changed, order.Cancel("out-of-stock", T0.AddMinutes(1)));
        Assert.Equal(OrderChange.AlreadyDone, order.Cancel("timeout", T0.AddMinutes(2)));
        Assert.Equal("out-of-stock", order.CancellationReason);
        Assert.Equal(T0.AddMinutes(1), order.CancelledAt);
        Assert.Equal("out-of-stock", order.Cancelled().Reason);
    }

    [Fact]
    public void An_order_survives_the_round_trip_through_its_stored_document()
    {
        var order = Placed();
        order.Confirm(new Money(19.99m, "USD"), T0.AddMinutes(3));
        var body = DocumentJson.ToBody(order.ToSnapshot());
        Assert.Equal("Confirmed", body.GetProperty("status").GetString()); // readable in the store, not an enum number
        var back = Order.FromSnapshot(new StoredDocument("order-1", "order-1", "order", body, "e1").As<OrderSnapshot>());
        Assert.Equal(order.ToSnapshot() with { Items = [] }, back.ToSnapshot() with { Items = [] });
        Assert.Equal(order.Items, back.Items);
        Assert.True(back.WasPlacedBy(Request()));
    }

    [Fact]
    public void The_same_customer_and_key_always_give_the_same_uuid_shaped_order_id()
    {
        var id = PlaceOrder.OrderIdFor("cust-1", "key-1");
        Assert.Equal(id, PlaceOrder.OrderIdFor("cust-1", "key-1"));
        Assert.NotEqual(id, PlaceOrder.OrderIdFor("cust-2", "key-1"));
        Assert.NotEqual(id, PlaceOrder.OrderIdFor("cust-1", "key-2"));
        Assert.True(Guid.TryParseExact(id, "D", out var guid));
        Assert.Equal(8, guid.Version);
    }

    [Fact]
    public void A_request_with_any_other_field_is_not_the_request_the_order_was_placed_by()
    {
        var order = Placed();
        Assert.True(order.WasPlacedBy(Request()));
        Assert.False(order.WasPlacedBy(Request() with { PaymentToken = "tok_other" }));
        Assert.False(order.WasPlacedBy(Request() with { Items = [new OrderLine("SKU-1", 3)] }));
    }

    [Theory]
    [InlineData("GB", true)]
    [InlineData("US", true)]
    [InlineData("AQ", true)]
    [InlineData("XX", false)]
    [InlineData("UK", false)]
    [InlineData("gb", false)]
    public void Only_assigned_iso_3166_alpha2_codes_are_countries(string code, bool assigned)
    {
        Assert.Equal(249, CountryCodes.Count);
        Assert.Equal(assigned, CountryCodes.IsAssigned(code));
    }
}
