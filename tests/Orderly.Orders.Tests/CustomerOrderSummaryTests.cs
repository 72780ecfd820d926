using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Orders.Domain;

namespace Orderly.Orders.Tests;

public sealed class CustomerOrderSummaryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly OrderPlaced Placed = new("o-1", "c-1", [new OrderLine("A", 1), new OrderLine("B", 2)],
        new ShippingAddress("Ada", "1 Road", "London", "N1", "GB"), "tok", T0);

    private static readonly OrderConfirmed Confirmed = new("o-1", "c-1", new Money(12m, "EUR"), T0.AddMinutes(1));

    private static readonly OrderCancelled Cancelled = new("o-1", "c-1", "out-of-stock", T0.AddMinutes(1));

    [Fact]
    public void A_confirmation_arriving_before_the_placement_is_not_regressed_to_pending()
    {
        var s = CustomerOrderSummary.Apply(null, Confirmed);
        s = CustomerOrderSummary.Apply(s, Placed);
        Assert.Equal(OrderStatus.Confirmed, s.Status);
        Assert.Equal(new Money(12m, "EUR"), s.Total);
        Assert.Equal(T0, s.PlacedAt);
        Assert.Equal(3, s.ItemCount); // units, as the notification counts them: 1 of A and 2 of B
        Assert.Equal(T0.AddMinutes(1), s.UpdatedAt);
    }

    [Fact]
    public void A_cancelled_order_in_the_list_shows_the_total_it_was_cancelled_at()
    {
        var cancelled = Cancelled with { Total = new Money(12m, "EUR") };
        Assert.Equal(new Money(12m, "EUR"), CustomerOrderSummary.Apply(CustomerOrderSummary.Apply(null, Placed), cancelled).Total);
        Assert.Equal(new Money(12m, "EUR"), CustomerOrderSummary.Apply(CustomerOrderSummary.Apply(null, cancelled), Placed).Total);
    }

    [Fact]
    public void A_cancellation_arriving_before_the_placement_is_kept()
    {
        var s = CustomerOrderSummary.Apply(CustomerOrderSummary.Apply(null, Cancelled), Placed);
        Assert.Equal(OrderStatus.Cancelled, s.Status);
        Assert.Equal("out-of-stock", s.CancellationReason);
        Assert.Equal(T0, s.PlacedAt);
    }

    [Fact]
    public void The_same_event_twice_gives_the_same_summary()
    {
        var once = CustomerOrderSummary.Apply(CustomerOrderSummary.Apply(null, Placed), Confirmed);
        var twice = CustomerOrderSummary.Apply(CustomerOrderSummary.Apply(once, Placed), Confirmed);
        Assert.Equal(once, twice);
    }
}
