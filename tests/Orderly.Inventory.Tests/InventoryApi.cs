using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Handlers;

namespace Orderly.Inventory.Tests;

public sealed class InventoryApi : IAsyncLifetime
{
    private readonly InventoryHarness _h = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await _h.ClientAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<HttpResponseMessage> PutAsync(string sku, string json) =>
        _client.PutAsync($"/api/inventory/products/{sku}", new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> StockAsync(string sku, string json) =>
        _client.PostAsync($"/api/inventory/products/{sku}/stock", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Asserts a 400 problem whose errors name exactly <paramref name="fields"/>.</summary>
    private static async Task AssertBadFieldsAsync(HttpResponseMessage response, params string[] fields)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        Assert.Equal(fields.Order(), errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task A_new_product_is_created_and_then_updated()
    {
        var created = await PutAsync("mug-1", """{ "name": "Mug", "unitPrice": 7.5, "currency": "EUR" }""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/inventory/products/mug-1", created.Headers.Location?.OriginalString);

        var updated = await PutAsync("mug-1", """{ "name": "Big mug", "unitPrice": 8, "currency": "EUR" }""");
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var product = await JsonAsync(await _client.GetAsync("/api/inventory/products/mug-1"));
        Assert.Equal("Big mug", product.GetProperty("name").GetString());
        Assert.Equal(8m, product.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(0, product.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Adding_and_removing_stock_shows_on_hand_reserved_and_available()
    {
        await PutAsync("mug", """{ "name": "Mug", "unitPrice": 7.5, "currency": "EUR" }""");
        Assert.Equal(HttpStatusCode.OK, (await StockAsync("mug", """{ "quantity": 10 }""")).StatusCode);
        await _h.ReplyToAsync(_h.Reserve, new ReserveStock("o1", [new OrderLine("mug", 4)]));

        var afterRemoval = await JsonAsync(await StockAsync("mug", """{ "quantity": -6 }"""));

        Assert.Equal((4, 4, 0), (afterRemoval.GetProperty("onHand").GetInt32(), afterRemoval.GetProperty("reserved").GetInt32(), afterRemoval.GetProperty("available").GetInt32()));
    }

    [Fact]
    public async Task Removing_stock_that_is_reserved_answers_409_and_changes_nothing()
    {
        await _h.SeedAsync("mug", 3);
        await _h.ReplyToAsync(_h.Reserve, new ReserveStock("o1", [new OrderLine("mug", 2)]));

        var response = await StockAsync("mug", """{ "quantity": -2 }""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, (await _h.ProductAsync("mug")).OnHand);
    }

    [Fact]
    public async Task Anyone_pages_through_the_product_list_each_product_once_with_its_stock()
    {
        foreach (var sku in new[] { "mug", "cap", "tee", "bag", "pen" }) await _h.SeedAsync(sku, onHand: sku.Length + 1);
        await _h.ReplyToAsync(_h.Reserve, new ReserveStock("o1", [new OrderLine("mug", 2)])); // a reservation is not a product
        using var anonymous = await _h.ClientAsync(null);

        var products = new List<JsonElement>();
        string? continuation = null;
        var pages = 0;
        do
        {
            using var response = await anonymous.GetAsync("/api/inventory/products?pageSize=2" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await JsonAsync(response);
            Assert.InRange(page.GetProperty("items").GetArrayLength(), 1, 2);
            products.AddRange(page.GetProperty("items").EnumerateArray());
            continuation = page.GetProperty("continuation").GetString();
        }
        while (continuation is not null && ++pages < 10);

        Assert.Equal(["bag", "cap", "mug", "pen", "tee"], products.Select(p => p.GetProperty("sku").GetString()).Order());
        var mug = products.Single(p => p.GetProperty("sku").GetString() == "mug");
        Assert.Equal((4, 2, 2), (mug.GetProperty("onHand").GetInt32(), mug.GetProperty("reserved").GetInt32(), mug.GetProperty("available").GetInt32()));
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=-1", "pageSize")]
    [InlineData("pageSize=1e2", "pageSize")]
    [InlineData("continuation=abc", "continuation")]
    [InlineData("continuation=", "continuation")]
    public async Task A_bad_page_parameter_is_a_400_naming_it(string query, string field)
    {
        await _h.SeedAsync("mug", 1);
        await AssertBadFieldsAsync(await _client.GetAsync("/api/inventory/products?" + query), field);
    }

    [Fact]
    public async Task Unknown_products_answer_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/inventory/products/ghost")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await StockAsync("ghost", """{ "quantity": 1 }""")).StatusCode);
    }

    [Fact]
    public async Task A_sku_with_forbidden_characters_is_a_bad_sku() =>
        await AssertBadFieldsAsync(await PutAsync("bad.sku!", """{ "name": "Mug", "unitPrice": 1, "currency": "EUR" }"""), "sku");

    [Fact]
    public async Task A_sku_longer_than_64_characters_is_a_bad_sku() =>
        await AssertBadFieldsAsync(await PutAsync(new string('a', 65), """{ "name": "Mug", "unitPrice": 1, "currency": "EUR" }"""), "sku");

    [Theory]
    [InlineData("""{ "unitPrice": 1, "currency": "EUR" }""")]
    [InlineData("""{ "name": "  ", "unitPrice": 1, "currency": "EUR" }""")]
    [InlineData("""{ "name": 12, "unitPrice": 1, "currency": "EUR" }""")]
    public async Task A_missing_or_blank_name_is_a_bad_name(string body) =>
        await AssertBadFieldsAsync(await PutAsync("mug", body), "name");

    [Fact]
    public async Task A_name_over_200_characters_is_a_bad_name() =>
        await AssertBadFieldsAsync(await PutAsync("mug", $$"""{ "name": "{{new string('n', 201)}}", "unitPrice": 1, "currency": "EUR" }"""), "name");

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("\"12\"")]
    [InlineData("1.234")]
    public async Task A_unit_price_not_above_zero_or_with_too_many_decimals_is_a_bad_unit_price(string price) =>
        await AssertBadFieldsAsync(await PutAsync("mug", $$"""{ "name": "Mug", "unitPrice": {{price}}, "currency": "EUR" }"""), "unitPrice");

    [Fact]
    public async Task Yen_prices_have_no_decimals_and_dinar_prices_three()
    {
        await AssertBadFieldsAsync(await PutAsync("mug", """{ "name": "Mug", "unitPrice": 100.5, "currency": "JPY" }"""), "unitPrice");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync("mug", """{ "name": "Mug", "unitPrice": 1.125, "currency": "KWD" }""")).StatusCode);
    }

    [Theory]
    [InlineData("\"XYZ\"")]
    [InlineData("\"eur\"")]
    [InlineData("null")]
    public async Task A_currency_that_is_not_an_ISO_4217_code_is_a_bad_currency(string currency) =>
        await AssertBadFieldsAsync(await PutAsync("mug", $$"""{ "name": "Mug", "unitPrice": 1, "currency": {{currency}} }"""), "currency");

    [Fact]
    public async Task Every_bad_field_is_named_at_once() =>
        await AssertBadFieldsAsync(await PutAsync("bad!", """{ "name": "", "unitPrice": 0, "currency": "ABC" }"""), "sku", "name", "unitPrice", "currency");

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public async Task A_body_that_is_not_a_JSON_object_is_a_bad_body(string body) =>
        await AssertBadFieldsAsync(await PutAsync("mug", body), "body");

    [Theory]
    [InlineData("""{ "quantity": 0 }""")]
    [InlineData("""{ }""")]
    [InlineData("""{ "quantity": null }""")]
    [InlineData("""{ "quantity": 1000001 }""")]
    public async Task A_stock_quantity_that_is_missing_zero_or_over_a_million_is_a_bad_quantity(string body)
    {
        await _h.SeedAsync("mug", 1);
        await AssertBadFieldsAsync(await StockAsync("mug", body), "quantity");
    }

    [Fact]
    public async Task Availability_needs_at_least_one_valid_sku()
    {
        await AssertBadFieldsAsync(await _client.GetAsync("/api/inventory/availability"), "skus");
        await AssertBadFieldsAsync(await _client.GetAsync("/api/inventory/availability?skus=ok,bad!"), "skus");
    }

    [Fact]
    public async Task Availability_answers_from_the_read_model_once_the_events_arrive()
    {
        var at = DateTimeOffset.UtcNow;
        await _h.HandleAsync(new StockLevelChangedHandler(), new StockLevelChanged("a", 5, 2, 3, at));

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/inventory/availability?skus=a,unknown");

        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal(("a", 3), (only.GetProperty("sku").GetString(), only.GetProperty("available").GetInt32()));
        Assert.Equal(at, only.GetProperty("asOf").GetDateTimeOffset());
    }

    [Fact]
    public async Task Creating_a_product_publishes_its_stock_level()
    {
        await PutAsync("mug", """{ "name": "Mug", "unitPrice": 1, "currency": "EUR" }""");
        await StockAsync("mug", """{ "quantity": 4 }""");

        var levels = (await _h.OutboxAsync("mug")).Select(r => (StockLevelChanged)EnvelopeJson.ReadData(r.ToOutgoing().Envelope)).Select(e => e.OnHand).Order();
        Assert.Equal([0, 4], levels);
    }
}
