namespace Orderly.EndToEnd.Tests;

/// <summary>Many customers racing for the same stock: the shop never sells what it does not have.</summary>
public sealed class LastUnitTests : ShopTest
{
    [Fact]
    public async Task Twelve_customers_racing_for_the_last_unit_make_exactly_one_sale()
    {
        var sku = ShopApi.NewSku("last");
        await Shop.CreateProductAsync(sku, 99m, stock: 1);

        var orderIds = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)]))));
        var orders = await Task.WhenAll(orderIds.Select(Shop.WaitForOutcomeAsync));

        Assert.Single(orders, o => o.Str("status") == "Confirmed");
        var cancelled = orders.Where(o => o.Str("status") == "Cancelled").ToList();
        Assert.Equal(11, cancelled.Count);
        Assert.All(cancelled, o => Assert.Equal("out-of-stock", o.Str("cancellationReason")));
        Assert.Equal(new Product(0, 0, 0), await Shop.GetProductAsync(sku));

        var captured = 0;
        foreach (var id in orderIds) captured += (await Shop.PaymentsOfAsync(id)).Count(p => p.StatusOf() == "captured");
        Assert.Equal(1, captured);
    }
}
