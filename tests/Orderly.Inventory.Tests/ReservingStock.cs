using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Domain;
using Orderly.Inventory.Handlers;

namespace Orderly.Inventory.Tests;

public sealed class ReservingStock : IAsyncLifetime
{
    private readonly InventoryHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static ReserveStock Reserve(string orderId, params (string Sku, int Qty)[] lines) =>
        new(orderId, lines.Select(l => new OrderLine(l.Sku, l.Qty)).ToList());

    [Fact]
    public async Task A_reservation_replies_the_unit_prices_and_the_total()
    {
        await _h.SeedAsync("a", 10, 2.50m);
        await _h.SeedAsync("b", 10, 1.25m);

        var reply = Assert.IsType<StockReserved>(await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("b", 2), ("a", 1))));

        Assert.Equal(new Money(5.00m, "EUR"), reply.Total);
        Assert.Equal([new PricedLine("a", 1, 2.50m, "EUR"), new PricedLine("b", 2, 1.25m, "EUR")], reply.Lines);
        Assert.Equal(1, (await _h.ProductAsync("a")).Reserved);
        Assert.Equal(2, (await _h.ProductAsync("b")).Reserved);
    }

    [Fact]
    public async Task Reserving_again_for_a_reserved_order_replies_the_same_prices_and_holds_nothing_more()
    {
        await _h.SeedAsync("a", 10, 2.50m);
        var first = Assert.IsType<StockReserved>(await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 3))));
        await ChangePriceAsync("a", 9.99m);

        var again = Assert.IsType<StockReserved>(await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 3))));

        Assert.Equal(first.Total, again.Total);
        Assert.Equal(first.Lines, again.Lines);
        Assert.Equal(3, (await _h.ProductAsync("a")).Reserved);
    }

    [Fact]
    public async Task Twelve_orders_racing_for_the_last_unit_get_exactly_one_reservation()
    {
        await _h.SeedAsync("last", 1);

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => _h.ReplyToAsync(_h.Reserve, Reserve($"order-{i}", ("last", 1))))));

        Assert.Single(replies.OfType<StockReserved>());
        Assert.Equal(11, replies.OfType<StockReservationRejected>().Count(r => r.Reason == "out-of-stock" && r.Skus.SequenceEqual(["last"])));
        var product = await _h.ProductAsync("last");
        Assert.Equal((1, 1, 0), (product.OnHand, product.Reserved, product.Available));
    }

    [Fact]
    public async Task A_multi_sku_reservation_is_undone_when_one_sku_is_short()
    {
        await _h.SeedAsync("a", 5);
        await _h.SeedAsync("b", 1);
        await _h.SeedAsync("c", 5);

        var reply = Assert.IsType<StockReservationRejected>(await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 2), ("b", 2), ("c", 2), ("nope", 1))));

        Assert.Equal("out-of-stock", reply.Reason);
        Assert.Equal(["b", "nope"], reply.Skus);
        foreach (var sku in new[] { "a", "b", "c" })
            Assert.Equal(0, (await _h.ProductAsync(sku)).Reserved);
        Assert.Equal(ReservationStatus.Rejected, (await _h.ReservationAsync("o1"))!.Status);
    }

    [Fact]
    public async Task Lines_in_different_currencies_are_rejected_and_nothing_is_held()
    {
        await _h.SeedAsync("eur", 5, 1m, "EUR");
        await _h.SeedAsync("usd", 5, 1m, "USD");

        var reply = Assert.IsType<StockReservationRejected>(await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("eur", 1), ("usd", 1))));

        Assert.Equal("currency-mismatch", reply.Reason);
        Assert.Equal(0, (await _h.ProductAsync("eur")).Reserved + (await _h.ProductAsync("usd")).Reserved);
    }

    [Fact]
    public async Task A_release_before_the_reservation_leaves_a_tombstone_that_refuses_the_late_reservation()
    {
        await _h.SeedAsync("a", 5);

        Assert.IsType<StockReleased>(await _h.ReplyToAsync(_h.Release, new ReleaseStock("o1")));
        var late = Assert.IsType<StockReservationRejected>(await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 1))));

        Assert.Equal("released", late.Reason);
        Assert.Equal(0, (await _h.ProductAsync("a")).Reserved);
    }

    [Fact]
    public async Task Release_gives_the_stock_back_and_a_second_release_changes_nothing()
    {
        await _h.SeedAsync("a", 5);
        await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 2)));

        Assert.IsType<StockReleased>(await _h.ReplyToAsync(_h.Release, new ReleaseStock("o1")));
        Assert.IsType<StockReleased>(await _h.ReplyToAsync(_h.Release, new ReleaseStock("o1")));

        var product = await _h.ProductAsync("a");
        Assert.Equal((5, 0), (product.OnHand, product.Reserved));
        Assert.Equal(ReservationStatus.Released, (await _h.ReservationAsync("o1"))!.Status);
    }

    [Fact]
    public async Task Commit_takes_the_stock_off_the_shelf_once_however_often_it_arrives()
    {
        await _h.SeedAsync("a", 5);
        await _h.SeedAsync("b", 5);
        await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 2), ("b", 1)));

        Assert.IsType<StockCommitted>(await _h.ReplyToAsync(_h.Commit, new CommitStock("o1")));
        Assert.IsType<StockCommitted>(await _h.ReplyToAsync(_h.Commit, new CommitStock("o1")));

        Assert.Equal((3, 0), ((await _h.ProductAsync("a")).OnHand, (await _h.ProductAsync("a")).Reserved));
        Assert.Equal((4, 0), ((await _h.ProductAsync("b")).OnHand, (await _h.ProductAsync("b")).Reserved));
    }

    [Fact]
    public async Task Committing_a_released_reservation_is_a_permanent_failure()
    {
        await _h.SeedAsync("a", 5);
        await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 2)));
        await _h.ReplyToAsync(_h.Release, new ReleaseStock("o1"));

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() => _h.HandleAsync(_h.Commit, new CommitStock("o1")));

        Assert.Equal("reservation-released", failure.Reason);
        Assert.Equal((5, 0), ((await _h.ProductAsync("a")).OnHand, (await _h.ProductAsync("a")).Reserved));
    }

    [Fact]
    public async Task A_reservation_redone_after_a_crash_before_its_final_write_holds_the_stock_once()
    {
        await _h.SeedAsync("a", 5);
        await _h.SeedAsync("b", 5);
        await _h.HandleAsync(_h.Reserve, Reserve("o1", ("a", 2), ("b", 1)), commit: false);

        var reply = Assert.IsType<StockReserved>(await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 2), ("b", 1))));

        Assert.Equal(3, reply.Lines.Sum(l => l.Quantity));
        Assert.Equal(2, (await _h.ProductAsync("a")).Reserved);
        Assert.Equal(1, (await _h.ProductAsync("b")).Reserved);
    }

    [Fact]
    public async Task A_release_after_a_crashed_reservation_gives_back_what_the_crash_left_held()
    {
        await _h.SeedAsync("a", 5);
        await _h.HandleAsync(_h.Reserve, Reserve("o1", ("a", 2)), commit: false);

        await _h.ReplyToAsync(_h.Release, new ReleaseStock("o1"));

        Assert.Equal(0, (await _h.ProductAsync("a")).Reserved);
    }

    [Fact]
    public async Task A_reservation_overtaken_by_a_release_before_its_final_write_ends_rejected_and_holding_nothing()
    {
        await _h.SeedAsync("a", 5);
        var finishReserve = await _h.StageAsync(_h.Reserve, Reserve("o1", ("a", 2)));   // products held, reply not yet committed

        await _h.ReplyToAsync(_h.Release, new ReleaseStock("o1"));                        // the saga timed out and compensated
        await Assert.ThrowsAsync<Orderly.Storage.ConcurrencyException>(finishReserve);   // the stale final write never lands
        var redelivered = Assert.IsType<StockReservationRejected>(await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 2))));

        Assert.Equal("released", redelivered.Reason);
        Assert.Equal(0, (await _h.ProductAsync("a")).Reserved);
    }

    [Fact]
    public async Task Every_stock_change_publishes_StockLevelChanged_with_the_new_levels()
    {
        await _h.SeedAsync("a", 5);
        await _h.ReplyToAsync(_h.Reserve, Reserve("o1", ("a", 2)));

        var record = Assert.Single(await _h.OutboxAsync("a"));
        Assert.Equal(Destinations.InventoryEvents, record.Destination);
        var changed = Assert.IsType<StockLevelChanged>(EnvelopeJson.ReadData(record.ToOutgoing().Envelope));
        Assert.Equal(("a", 5, 2, 3), (changed.Sku, changed.OnHand, changed.Reserved, changed.Available));
    }

    [Fact]
    public async Task The_availability_view_follows_stock_events_and_ignores_late_ones()
    {
        var handler = new StockLevelChangedHandler();
        var t0 = DateTimeOffset.UtcNow;
        await _h.HandleAsync(handler, new StockLevelChanged("a", 5, 1, 4, t0.AddSeconds(1)));
        await _h.HandleAsync(handler, new StockLevelChanged("a", 5, 0, 5, t0)); // older, arrives late

        var view = (await _h.Store.ReadAsync("a", Availability.Kind))!.As<Availability>();
        Assert.Equal((4, t0.AddSeconds(1)), (view.Available, view.AsOf));
    }

    private async Task ChangePriceAsync(string sku, decimal price)
    {
        var doc = (await _h.Store.ReadAsync(sku, Product.Kind))!;
        var p = doc.As<Product>();
        p.Describe(p.Name, price, p.Currency);
        await Orderly.Storage.DocumentStoreExtensions.ReplaceAsync(_h.Store, sku, Product.Kind, Product.Kind, p, doc.ETag);
    }
}
