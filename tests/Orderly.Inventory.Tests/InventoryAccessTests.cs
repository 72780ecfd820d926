using System.Net;
using System.Text;
using System.Text.Json;
using Orderly.Hosting.Access;

namespace Orderly.Inventory.Tests;

/// <summary>Who may change the catalog, who may read it, and what hostile bodies get: each refusal a 4xx problem, nothing changed.</summary>
public sealed class InventoryAccessTests : IAsyncLifetime
{
    private readonly InventoryHarness _h = new();

    public Task InitializeAsync() => _h.SeedAsync("mug", 3);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string sku, string body) =>
        client.PutAsync($"/api/inventory/products/{sku}", Json(body));

    private static Task<HttpResponseMessage> StockAsync(HttpClient client, string sku, string body) =>
        client.PostAsync($"/api/inventory/products/{sku}/stock", Json(body));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The messages of every bad field in a 400 validation problem, by field.</summary>
    private static async Task<Dictionary<string, string[]>> BadFieldsAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await JsonAsync(response)).GetProperty("errors").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());
    }

    /// <summary>The seeded product exactly as it was, and no StockLevelChanged waiting to be published.</summary>
    private async Task AssertMugUnchangedAsync()
    {
        var mug = await _h.ProductAsync("mug");
        Assert.Equal(("Product mug", 10m, 3), (mug.Name, mug.UnitPrice, mug.OnHand));
        Assert.Empty(await _h.OutboxAsync("mug"));
        Assert.Null(await _h.Store.ReadAsync("new-mug", Domain.Product.Kind));
    }

    [Fact]
    public async Task Without_a_token_changing_a_product_or_its_stock_is_401_with_a_bearer_challenge_and_changes_nothing()
    {
        using var anonymous = await _h.ClientAsync(null);
        using var put = await PutAsync(anonymous, "mug", """{"name":"Free mug","unitPrice":1,"currency":"EUR"}""");
        using var create = await PutAsync(anonymous, "new-mug", """{"name":"New mug","unitPrice":1,"currency":"EUR"}""");
        using var stock = await StockAsync(anonymous, "mug", """{"quantity":-3}""");

        foreach (var response in new[] { put, create, stock })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        await AssertMugUnchangedAsync();
    }

    [Theory]
    [InlineData(Roles.Customer)]
    [InlineData(Roles.Operator)]
    public async Task A_customer_or_an_operator_changing_a_product_or_its_stock_is_403_and_changes_nothing(string role)
    {
        using var client = await _h.ClientAsync("someone", role);
        using var put = await PutAsync(client, "mug", """{"name":"Cheap mug","unitPrice":0.01,"currency":"EUR"}""");
        using var create = await PutAsync(client, "new-mug", """{"name":"New mug","unitPrice":1,"currency":"EUR"}""");
        using var stock = await StockAsync(client, "mug", """{"quantity":100}""");

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], new[] { put.StatusCode, create.StatusCode, stock.StatusCode });
        await AssertMugUnchangedAsync();
    }

    [Fact]
    public async Task Anyone_may_read_a_product_and_its_availability_without_a_token()
    {
        using var anonymous = await _h.ClientAsync(null);
        using var product = await anonymous.GetAsync("/api/inventory/products/mug");
        using var availability = await anonymous.GetAsync("/api/inventory/availability?skus=mug");

        Assert.Equal(HttpStatusCode.OK, product.StatusCode);
        Assert.Equal(3, (await JsonAsync(product)).GetProperty("available").GetInt32());
        Assert.Equal(HttpStatusCode.OK, availability.StatusCode);
    }

    [Fact]
    public async Task A_bad_token_on_a_public_read_is_still_401_so_the_caller_learns_it_is_bad()
    {
        using var client = await _h.ClientAsync(null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");
        using var response = await client.GetAsync("/api/inventory/products/mug");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("-2147483648")]
    [InlineData("2147483648")]
    [InlineData("-1000001")]
    [InlineData("1.5")]
    [InlineData("\"5\"")]
    [InlineData("1e400")]
    public async Task A_stock_quantity_out_of_range_or_not_a_whole_number_is_400_naming_quantity_and_changes_nothing(string quantity)
    {
        using var admin = await _h.ClientAsync();
        using var response = await StockAsync(admin, "mug", $$"""{"quantity":{{quantity}}}""");

        var errors = await BadFieldsAsync(response);
        Assert.Equal(["quantity"], errors.Keys);
        Assert.Equal("quantity must be a whole number from -1000000 to 1000000.", Assert.Single(errors["quantity"]));
        await AssertMugUnchangedAsync();
    }

    [Fact]
    public async Task A_stock_quantity_of_0_is_400_saying_what_the_sign_means()
    {
        using var admin = await _h.ClientAsync();
        var errors = await BadFieldsAsync(await StockAsync(admin, "mug", """{"quantity":0}"""));
        Assert.Contains("negative one removes", Assert.Single(errors["quantity"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_largest_allowed_adjustments_are_accepted()
    {
        using var admin = await _h.ClientAsync();
        using var added = await StockAsync(admin, "mug", """{"quantity":1000000}""");
        using var removed = await StockAsync(admin, "mug", """{"quantity":-1000000}""");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (added.StatusCode, removed.StatusCode));
        Assert.Equal(3, (await _h.ProductAsync("mug")).OnHand);
    }

    [Theory]
    [InlineData("stock", """{"quantity":1,"quantity":-3}""", "quantity")]
    [InlineData("product", """{"name":"Mug","name":"Free mug","unitPrice":1,"currency":"EUR"}""", "name")]
    public async Task A_property_sent_twice_is_400_naming_it_and_changes_nothing(string route, string body, string field)
    {
        using var admin = await _h.ClientAsync();
        using var response = route == "stock" ? await StockAsync(admin, "mug", body) : await PutAsync(admin, "mug", body);

        var errors = await BadFieldsAsync(response);
        Assert.Equal([field], errors.Keys);
        Assert.Contains("more than once", Assert.Single(errors[field]), StringComparison.Ordinal);
        await AssertMugUnchangedAsync();
    }

    [Fact]
    public async Task A_lone_surrogate_in_the_name_is_400_naming_name()
    {
        using var admin = await _h.ClientAsync();
        using var response = await PutAsync(admin, "mug", """{"name":"Mug \ud800","unitPrice":1,"currency":"EUR"}""");
        Assert.Equal(["name"], (await BadFieldsAsync(response)).Keys);
        await AssertMugUnchangedAsync();
    }

    [Fact]
    public async Task Property_names_are_case_sensitive_so_Name_is_not_name()
    {
        using var admin = await _h.ClientAsync();
        using var response = await PutAsync(admin, "mug", """{"Name":"Mug","unitPrice":1,"currency":"EUR"}""");

        var errors = await BadFieldsAsync(response);
        Assert.Equal(["name"], errors.Keys);
        Assert.Equal("name is required.", Assert.Single(errors["name"]));
        await AssertMugUnchangedAsync();
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        using var admin = await _h.ClientAsync();
        using var put = await admin.PutAsync("/api/inventory/products/mug", new StringContent("name=Mug", Encoding.UTF8, "text/plain"));
        using var stock = await admin.PostAsync("/api/inventory/products/mug/stock", new StringContent("quantity=1", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType), (put.StatusCode, stock.StatusCode));
        await AssertMugUnchangedAsync();
    }

    [Fact]
    public async Task A_5_KB_body_is_413_before_it_is_read()
    {
        var padding = new string(' ', 5 * 1024);
        using var admin = await _h.ClientAsync();
        using var put = await PutAsync(admin, "mug", $$"""{"name":"Mug",{{padding}}"unitPrice":1,"currency":"EUR"}""");
        using var stock = await StockAsync(admin, "mug", $$"""{{{padding}}"quantity":1}""");

        foreach (var response in new[] { put, stock })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        await AssertMugUnchangedAsync();
    }

    [Fact]
    public async Task The_longest_name_fits_the_body_limit_even_written_as_escapes()
    {
        var name = string.Concat(Enumerable.Repeat("\\u00e9", 200)); // é, escaped the way System.Text.Json writes it by default
        using var admin = await _h.ClientAsync();
        using var response = await PutAsync(admin, "mug", $$"""{"name":"{{name}}","unitPrice":1,"currency":"EUR"}""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(new string('é', 200), (await _h.ProductAsync("mug")).Name);
    }

    [Fact]
    public async Task Every_change_is_logged_with_the_admin_who_made_it()
    {
        using var admin = await _h.ClientAsync("ada-admin", Roles.ShopAdmin);
        Assert.Equal(HttpStatusCode.OK, (await StockAsync(admin, "mug", """{"quantity":2}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(admin, "mug", """{"name":"Mug","unitPrice":12,"currency":"EUR"}""")).StatusCode);

        var audit = _h.Logs.Lines.Where(l => l.Message.Contains("by ada-admin", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        Assert.Equal(2, audit.Count);
        Assert.Contains("Stock of mug adjusted by 2 to 5 on hand by ada-admin", audit);
    }
}
