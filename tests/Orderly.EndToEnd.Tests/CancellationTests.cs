namespace Orderly.EndToEnd.Tests;

/// <summary>Orders that cannot go through are cancelled with the reason, and every step already taken is undone.</summary>
public sealed class CancellationTests : ShopTest
{
    [Fact]
    public async Task An_unknown_sku_cancels_the_order_as_out_of_stock()
    {
        var known = ShopApi.NewSku("known");
        await Shop.CreateProductAsync(known, 2m, stock: 5);

        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(known, 1), (ShopApi.NewSku("nosuch"), 1)]));
        var order = await Shop.WaitForOutcomeAsync(orderId);

        Assert.Equal("Cancelled", order.Str("status"));
        Assert.Equal("out-of-stock", order.Str("cancellationReason"));
        Assert.Equal(new Product(5, 0, 5), await Shop.GetProductAsync(known));
        Assert.DoesNotContain(await Shop.PaymentsOfAsync(orderId), p => p.StatusOf() == "captured");
    }

    [Fact]
    public async Task Ordering_more_than_is_in_stock_cancels_the_order_and_leaves_the_stock()
    {
        var sku = ShopApi.NewSku("few");
        await Shop.CreateProductAsync(sku, 2m, stock: 3);

        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 4)]));
        var order = await Shop.WaitForOutcomeAsync(orderId);

        Assert.Equal("Cancelled", order.Str("status"));
        Assert.Equal("out-of-stock", order.Str("cancellationReason"));
        Assert.Equal(new Product(3, 0, 3), await Shop.GetProductAsync(sku));
    }

    [Fact]
    public async Task A_declined_payment_cancels_the_order_and_puts_the_stock_back()
    {
        var sku = ShopApi.NewSku("decline");
        await Shop.CreateProductAsync(sku, 10m, stock: 4);

        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 2)], paymentToken: "tok_decline_insufficient"));
        var order = await Shop.WaitForOutcomeAsync(orderId);

        Assert.Equal("Cancelled", order.Str("status"));
        Assert.Equal("payment-declined", order.Str("cancellationReason"));
        // The stock was reserved at 10 EUR a unit before the card was declined: the cancelled order keeps that total.
        Assert.Equal(20m, order.Prop("total")!.Value.Dec("amount"));
        Assert.Equal(new Product(4, 0, 4), await Shop.GetProductAsync(sku));
        Assert.DoesNotContain(await Shop.PaymentsOfAsync(orderId), p => p.StatusOf() == "captured");

        var saga = await Shop.WaitForSagaEndAsync(orderId);
        Assert.Equal("Compensated", saga.Str("status"));
        Assert.NotEmpty(saga.Prop("compensations")!.Value.Items());
    }

    [Fact]
    public async Task Shipping_to_Antarctica_cancels_the_order_voids_the_payment_and_puts_the_stock_back()
    {
        var sku = ShopApi.NewSku("polar");
        await Shop.CreateProductAsync(sku, 8m, stock: 2);

        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)], country: "AQ"));
        var order = await Shop.WaitForOutcomeAsync(orderId);

        Assert.Equal("Cancelled", order.Str("status"));
        Assert.Equal("shipping-unavailable", order.Str("cancellationReason"));
        Assert.Equal(new Product(2, 0, 2), await Shop.GetProductAsync(sku));
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Shop.PaymentsOfAsync(orderId)).Any(p => p.StatusOf() == "voided"), TimeSpan.FromSeconds(15)),
            "the authorized payment was not voided");
        Assert.DoesNotContain(await Shop.PaymentsOfAsync(orderId), p => p.StatusOf() == "captured");
    }

    [Fact]
    public async Task A_payment_provider_that_never_answers_times_out_and_nothing_is_charged()
    {
        var sku = ShopApi.NewSku("slow");
        await Shop.CreateProductAsync(sku, 4m, stock: 3);

        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)], paymentToken: "tok_timeout_gateway"));
        var order = await Shop.WaitForOutcomeAsync(orderId);

        Assert.Equal("Cancelled", order.Str("status"));
        Assert.Equal("timeout", order.Str("cancellationReason"));
        Assert.Equal(new Product(3, 0, 3), await Shop.GetProductAsync(sku));
        Assert.DoesNotContain(await Shop.PaymentsOfAsync(orderId), p => p.StatusOf() == "captured");
    }
}
