using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orderly.EndToEnd.Tests;

/// <summary>Placing an order: idempotent by key, and every bad field named in one 400 problem.</summary>
public sealed class PlacementTests : ShopTest
{
    [Fact]
    public async Task The_same_idempotency_key_and_body_answer_the_same_order()
    {
        var sku = ShopApi.NewSku("idem");
        await Shop.CreateProductAsync(sku, 1m, stock: 10);
        var body = ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)]);
        var key = Guid.NewGuid().ToString();

        var first = await Shop.PlaceOrderAsync(body, key);
        var again = await Shop.PlaceOrderAsync(body, key);

        Assert.Equal(first, again);
        await Shop.WaitForOutcomeAsync(first);
        Assert.Equal(new Product(9, 0, 9), await Shop.GetProductAsync(sku)); // one order, not two
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused()
    {
        var customer = ShopApi.NewCustomer();
        var key = Guid.NewGuid().ToString();
        await Shop.PlaceOrderAsync(ShopApi.Order(customer, [(ShopApi.NewSku("a"), 1)]), key);

        using var response = await Shop.PostOrderAsync(ShopApi.Order(customer, [(ShopApi.NewSku("b"), 2)]), key);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_accepted_order_can_be_read_at_its_location()
    {
        using var response = await Shop.PostOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(ShopApi.NewSku("loc"), 1)]));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var order = await Shop.GetJsonAsync(response.Headers.Location!.ToString().TrimStart('/'));

        Assert.Equal((await response.Content.ReadFromJsonAsync<JsonElement>()).Str("orderId"), order.Str("orderId"));
    }

    public static TheoryData<string, string> BadOrders()
    {
        var ok = new Dictionary<string, object?>
        {
            ["customerId"] = "cust-1",
            ["items"] = new[] { new { sku = "tshirt-blue", quantity = 1 } },
            ["shippingAddress"] = ShopApi.Address(),
            ["paymentToken"] = "tok_visa",
        };
        string With(string field, object? value)
        {
            var copy = new Dictionary<string, object?>(ok) { [field] = value };
            return JsonSerializer.Serialize(copy);
        }
        string Address(string field, object? value)
        {
            var address = new Dictionary<string, object?>
            {
                ["name"] = "Ada", ["line1"] = "1 Street", ["city"] = "Paris", ["postalCode"] = "75001", ["country"] = "FR",
                [field] = value,
            };
            return With("shippingAddress", address);
        }
        return new TheoryData<string, string>
        {
            { With("customerId", ""), "customerId" },
            { With("customerId", new string('c', 65)), "customerId" },
            { With("customerId", 42), "customerId" },
            { With("items", Array.Empty<object>()), "items" },
            { With("items", Enumerable.Range(0, 51).Select(i => new { sku = $"sku-{i}", quantity = 1 }).ToArray()), "items" },
            { With("items", new[] { new { sku = "bad sku!", quantity = 1 } }), "items[0].sku" },
            { With("items", new[] { new { sku = new string('s', 65), quantity = 1 } }), "items[0].sku" },
            { With("items", new[] { new { sku = "", quantity = 1 } }), "items[0].sku" },
            { With("items", new[] { new { sku = "ok", quantity = 1 }, new { sku = "ok-2", quantity = 0 } }), "items[1].quantity" },
            { With("items", new[] { new { sku = "ok", quantity = 1001 } }), "items[0].quantity" },
            { With("shippingAddress", null), "shippingAddress" },
            { Address("country", "ZZ"), "shippingAddress.country" },
            { Address("country", "FRA"), "shippingAddress.country" },
            { Address("name", ""), "shippingAddress.name" },
            { Address("line1", null), "shippingAddress.line1" },
            { Address("city", ""), "shippingAddress.city" },
            { Address("postalCode", ""), "shippingAddress.postalCode" },
            { With("paymentToken", ""), "paymentToken" },
            { "{ not json", "body" },
            { "[1, 2, 3]", "body" },
        };
    }

    [Theory]
    [MemberData(nameof(BadOrders))]
    public async Task A_bad_order_is_a_400_naming_the_field(string body, string field)
    {
        using var response = await Shop.PostRawOrderAsync(body);

        var errors = await ValidationErrorsAsync(response);
        Assert.Contains(errors, e => string.Equals(e, field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Every_bad_field_is_reported_at_once()
    {
        var body = JsonSerializer.Serialize(new
        {
            customerId = "",
            items = new[] { new { sku = "no spaces", quantity = 0 } },
            shippingAddress = new { name = "A", line1 = "B", city = "C", postalCode = "D", country = "XX1" },
            paymentToken = "tok_visa",
        });

        using var response = await Shop.PostRawOrderAsync(body);

        var errors = await ValidationErrorsAsync(response);
        foreach (var field in new[] { "customerId", "items[0].sku", "items[0].quantity", "shippingAddress.country" })
            Assert.Contains(errors, e => string.Equals(e, field, StringComparison.OrdinalIgnoreCase));
    }

    public static TheoryData<string, string> BadProducts() => new()
    {
        { """{ "name": "Mug", "unitPrice": 0, "currency": "EUR" }""", "unitPrice" },
        { """{ "name": "Mug", "unitPrice": -1, "currency": "EUR" }""", "unitPrice" },
        { """{ "name": "Mug", "unitPrice": 3, "currency": "EURO" }""", "currency" },
        { """{ "name": "Mug", "unitPrice": 3, "currency": "ABC" }""", "currency" },
        { """{ "name": "", "unitPrice": 3, "currency": "EUR" }""", "name" },
        { "nonsense", "body" },
    };

    [Theory]
    [MemberData(nameof(BadProducts))]
    public async Task A_bad_product_is_a_400_naming_the_field(string body, string field)
    {
        using var response = await (await Shop.AdminAsync()).PutAsync($"api/inventory/products/{ShopApi.NewSku("bad")}",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var errors = await ValidationErrorsAsync(response);
        Assert.Contains(errors, e => string.Equals(e, field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_sku_with_forbidden_characters_is_a_400_naming_the_sku()
    {
        using var response = await (await Shop.AdminAsync()).PutAsJsonAsync("api/inventory/products/bad.sku", new { name = "x", unitPrice = 1, currency = "EUR" });

        var errors = await ValidationErrorsAsync(response);
        Assert.Contains(errors, e => string.Equals(e, "sku", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Removing_more_stock_than_is_free_is_refused()
    {
        var sku = ShopApi.NewSku("remove");
        await Shop.CreateProductAsync(sku, 1m, stock: 2);

        using var response = await (await Shop.AdminAsync()).PostAsJsonAsync($"api/inventory/products/{sku}/stock", new { quantity = -3 });

        Assert.False(response.IsSuccessStatusCode, $"removing 3 of 2 answered {(int)response.StatusCode}");
        Assert.Equal(new Product(2, 0, 2), await Shop.GetProductAsync(sku));
    }

    private static async Task<IReadOnlyList<string>> ValidationErrorsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        var errors = problem.Prop("errors");
        Assert.True(errors is { ValueKind: JsonValueKind.Object }, $"no errors in {text}");
        return errors!.Value.EnumerateObject().Select(p => p.Name).ToList();
    }
}
