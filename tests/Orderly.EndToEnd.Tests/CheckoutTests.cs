using System.Net.Http.Json;
using System.Text.Json;

namespace Orderly.EndToEnd.Tests;

/// <summary>Orders that go through: the customer is charged the catalogue price, the goods ship, the stock moves.</summary>
public sealed class CheckoutTests : ShopTest
{
    [Fact]
    public async Task The_checkout_status_is_written_like_every_other_answer_with_no_escaped_characters()
    {
        var sku = ShopApi.NewSku("json");
        await Shop.CreateProductAsync(sku, 3m, stock: 2);
        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)]));
        await Shop.WaitForSagaEndAsync(orderId);

        var client = await Shop.OperatorAsync();
        var checkout = await client.GetStringAsync($"api/checkout/{orderId}");
        var order = await client.GetStringAsync($"api/orders/{orderId}");

        // Times carry an offset ("+00:00"): written as "\u002B00:00" by one endpoint and "+00:00" by another, they would not compare.
        Assert.DoesNotContain("\\u00", checkout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", order, StringComparison.Ordinal);
        Assert.Contains("+00:00", checkout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paid_order_is_confirmed_charged_shipped_and_taken_from_stock()
    {
        var shirt = ShopApi.NewSku("shirt");
        var mug = ShopApi.NewSku("mug");
        await Shop.CreateProductAsync(shirt, 19.99m, stock: 10);
        await Shop.CreateProductAsync(mug, 7.25m, stock: 5);
        var customer = ShopApi.NewCustomer();

        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(customer, [(shirt, 2), (mug, 3)]));
        var order = await Shop.WaitForOutcomeAsync(orderId);

        Assert.Equal("Confirmed", order.Str("status"));
        Assert.Equal(customer, order.Str("customerId"));
        var total = order.Prop("total")!.Value;
        Assert.Equal(2 * 19.99m + 3 * 7.25m, total.Dec("amount"));
        Assert.Equal("EUR", total.Str("currency"));

        var payments = await Shop.PaymentsOfAsync(orderId);
        var payment = Assert.Single(payments);
        Assert.Equal("captured", payment.StatusOf());

        Assert.Single(await Shop.ShipmentsOfAsync(orderId));

        Assert.Equal(new Product(OnHand: 8, Reserved: 0, Available: 8), await Shop.GetProductAsync(shirt));
        Assert.Equal(new Product(OnHand: 2, Reserved: 0, Available: 2), await Shop.GetProductAsync(mug));

        // Read models are fed by events: they catch up shortly after the order is confirmed.
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Shop.NotificationsOfAsync(customer)).Any(n => n.ToString().Contains(orderId, StringComparison.Ordinal)), TimeSpan.FromSeconds(15)),
            "no notification recorded for the confirmed order");
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Shop.GetListAsync($"api/customers/{customer}/orders")).Any(o => o.Str("orderId") == orderId && o.Str("status") == "Confirmed"),
            TimeSpan.FromSeconds(15)), "the customer's order list does not show the confirmed order");
    }

    [Fact]
    public async Task An_operator_finds_orders_by_customer_and_status_a_page_at_a_time()
    {
        var sku = ShopApi.NewSku("search");
        await Shop.CreateProductAsync(sku, 1m, stock: 10);
        var customer = ShopApi.NewCustomer();
        var confirmed = await Shop.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 1)]));
        var declined = await Shop.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 1)], paymentToken: "tok_decline_e2e"));
        await Shop.WaitForOutcomeAsync(confirmed);
        await Shop.WaitForOutcomeAsync(declined);

        JsonElement page = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            page = await Shop.GetJsonAsync($"api/orders?customerId={customer}&status=Cancelled&pageSize=1");
            return page.Items().Count == 1;
        }, TimeSpan.FromSeconds(15)), $"the search does not find the declined order: {page}");
        var order = page.Items()[0];
        Assert.Equal((declined, customer, "Cancelled"), (order.Str("orderId"), order.Str("customerId"), order.Str("status")));

        // Both orders, one a page: the first page hands out a continuation that leads to the second.
        var first = await Shop.GetJsonAsync($"api/orders?customerId={customer}&pageSize=1");
        var continuation = first.Str("continuation");
        Assert.NotNull(continuation);
        var second = await Shop.GetJsonAsync($"api/orders?customerId={customer}&pageSize=1&continuation={Uri.EscapeDataString(continuation)}");
        Assert.Equal([confirmed, declined], first.Items().Concat(second.Items()).Select(o => o.Str("orderId")).Order());
    }

    [Fact]
    public async Task Anyone_finds_a_new_product_in_the_paged_product_list()
    {
        var sku = ShopApi.NewSku("listed");
        await Shop.CreateProductAsync(sku, 4m, stock: 3);
        JsonElement? found = null;
        string? continuation = null;
        for (var pages = 0; found is null && pages < 50; pages++)
        {
            using var response = await Shop.Http.GetAsync("api/inventory/products?pageSize=200" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            await ShopApi.EnsureStatus(response, System.Net.HttpStatusCode.OK, "GET the product list");
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            found = page.Items().Cast<JsonElement?>().FirstOrDefault(p => p!.Value.Str("sku") == sku);
            continuation = page.Str("continuation");
            if (continuation is null) break;
        }
        Assert.NotNull(found);
        Assert.Equal((3, 4m), (found.Value.Int("available"), found.Value.Dec("unitPrice")));
    }

    [Fact]
    public async Task A_customers_orders_are_listed_newest_first()
    {
        var sku = ShopApi.NewSku("list");
        await Shop.CreateProductAsync(sku, 1m, stock: 10);
        var customer = ShopApi.NewCustomer();
        var first = await Shop.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 1)]));
        await Shop.WaitForOutcomeAsync(first);
        var second = await Shop.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 2)]));
        await Shop.WaitForOutcomeAsync(second);

        IReadOnlyList<string?> ids = [];
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            ids = (await Shop.GetListAsync($"api/customers/{customer}/orders")).Select(o => o.Str("orderId")).ToList();
            return ids.Count == 2;
        }, TimeSpan.FromSeconds(15)), $"list has {ids.Count} orders");
        Assert.Equal([second, first], ids);
    }

    [Fact]
    public async Task A_flaky_payment_provider_is_retried_and_the_order_confirmed()
    {
        var sku = ShopApi.NewSku("flaky");
        await Shop.CreateProductAsync(sku, 5m, stock: 3);

        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)], paymentToken: "tok_flaky_" + Guid.NewGuid().ToString("N")[..6]));
        var order = await Shop.WaitForOutcomeAsync(orderId);

        Assert.Equal("Confirmed", order.Str("status"));
        Assert.Equal("captured", Assert.Single(await Shop.PaymentsOfAsync(orderId)).StatusOf());
        Assert.Equal(new Product(2, 0, 2), await Shop.GetProductAsync(sku));
        // The provider's retries happened inside one ask of the step; the checkout status says so.
        var authorize = (await Shop.WaitForSagaEndAsync(orderId)).Prop("steps")!.Value.EnumerateArray().Single(s => s.Str("name") == "AuthorizePayment");
        Assert.EndsWith(", after 3 provider attempts", authorize.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_checkout_status_shows_every_step_of_a_completed_saga()
    {
        var sku = ShopApi.NewSku("saga");
        await Shop.CreateProductAsync(sku, 3m, stock: 2);
        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)]));
        await Shop.WaitForOutcomeAsync(orderId);

        var saga = await Shop.WaitForSagaEndAsync(orderId);

        Assert.Equal(orderId, saga.Str("orderId"));
        Assert.Equal("Completed", saga.Str("status"));
        var steps = saga.Prop("steps")!.Value.Items();
        Assert.True(steps.Count >= 6, $"expected the six checkout steps, got {saga}");
        Assert.Empty(saga.Prop("compensations")!.Value.Items());
    }

    [Fact]
    public async Task An_unknown_order_is_a_404_problem()
    {
        using var response = await (await Shop.OperatorAsync()).GetAsync($"api/orders/{Guid.NewGuid():N}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
