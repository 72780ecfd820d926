using Orderly.Contracts;
using Orderly.Inventory.Domain;

namespace Orderly.Inventory.Tests;

public class ProductRules
{
    private static Product Widget(int onHand)
    {
        var p = Product.List("widget", "Widget", 2.50m, "EUR");
        if (onHand > 0) p.AdjustStock(onHand);
        return p;
    }

    [Fact]
    public void Stock_never_goes_below_what_is_reserved()
    {
        var p = Widget(5);
        Assert.Equal(ReserveOutcome.Held, p.Reserve("o1", 3));
        Assert.Throws<StockRuleViolationException>(() => p.AdjustStock(-3));
        Assert.Equal(5, p.OnHand);
        p.AdjustStock(-2);
        Assert.Equal((3, 3, 0), (p.OnHand, p.Reserved, p.Available));
    }

    [Fact]
    public void Stock_never_goes_below_zero()
    {
        var p = Widget(1);
        Assert.Throws<StockRuleViolationException>(() => p.AdjustStock(-2));
        Assert.Equal(1, p.OnHand);
    }

    [Fact]
    public void A_reservation_larger_than_what_is_available_holds_nothing()
    {
        var p = Widget(2);
        p.Reserve("o1", 1);
        Assert.Equal(ReserveOutcome.NotEnoughStock, p.Reserve("o2", 2));
        Assert.Equal(1, p.Reserved);
    }

    [Fact]
    public void The_same_order_reserving_twice_is_held_once()
    {
        var p = Widget(5);
        p.Reserve("o1", 2);
        Assert.Equal(ReserveOutcome.AlreadyHeld, p.Reserve("o1", 2));
        Assert.Equal(2, p.Reserved);
    }

    [Fact]
    public void Committing_takes_the_held_stock_off_the_shelf_once()
    {
        var p = Widget(5);
        p.Reserve("o1", 2);
        Assert.True(p.Commit("o1"));
        Assert.False(p.Commit("o1"));
        Assert.Equal((3, 0), (p.OnHand, p.Reserved));
    }

    [Fact]
    public void Releasing_gives_the_stock_back_once()
    {
        var p = Widget(5);
        p.Reserve("o1", 2);
        Assert.True(p.Release("o1"));
        Assert.False(p.Release("o1"));
        Assert.Equal(5, p.Available);
    }

    [Fact]
    public void A_committed_reservation_cannot_be_released_and_a_released_one_cannot_be_committed()
    {
        var committed = Reservation.Begin("o1", [new OrderLine("a", 1)], DateTimeOffset.UtcNow);
        committed.Confirm([new PricedLine("a", 1, 1m, "EUR")], DateTimeOffset.UtcNow);
        committed.Commit(DateTimeOffset.UtcNow);
        Assert.Throws<InvalidOperationException>(() => committed.Release(DateTimeOffset.UtcNow));

        var released = Reservation.ReleasedBeforeReserving("o2", DateTimeOffset.UtcNow);
        Assert.Throws<InvalidOperationException>(() => released.Commit(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_reservation_merges_lines_of_one_sku_and_orders_them_by_sku()
    {
        var r = Reservation.Begin("o1", [new OrderLine("b", 1), new OrderLine("a", 2), new OrderLine("b", 3)], DateTimeOffset.UtcNow);
        Assert.Equal([new OrderLine("a", 2), new OrderLine("b", 4)], r.Lines);
    }

    [Fact]
    public void A_confirmed_reservation_totals_its_lines()
    {
        var r = Reservation.Begin("o1", [new OrderLine("a", 2), new OrderLine("b", 1)], DateTimeOffset.UtcNow);
        r.Confirm([new PricedLine("a", 2, 2.50m, "EUR"), new PricedLine("b", 1, 0.99m, "EUR")], DateTimeOffset.UtcNow);
        Assert.Equal(new Money(5.99m, "EUR"), r.Total);
    }
}
