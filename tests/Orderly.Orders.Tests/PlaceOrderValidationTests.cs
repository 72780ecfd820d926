using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orderly.Orders.Tests;

/// <summary>One orders API for all the validation tests: none of them may store anything, so they can share it.</summary>
public sealed class ValidationFixture : IAsyncLifetime
{
    public OrdersHarness Orders { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync() => Client = await Orders.ClientAsync();

    public async Task DisposeAsync() => await Orders.DisposeAsync();
}

/// <summary>POST /api/orders field rules: each bad field is a 400 problem naming that field, and nothing is stored.</summary>
public sealed class PlaceOrderValidationTests(ValidationFixture fixture) : IClassFixture<ValidationFixture>
{
    private readonly OrdersHarness _orders = fixture.Orders;
    private readonly HttpClient _client = fixture.Client;

    /// <summary>A valid body with one value replaced.</summary>
    private static string With(string path, string json) => Edit(JsonSerializer.Serialize(OrderRequests.Valid()), path, json);

    /// <summary>Sets the value at <paramref name="path"/> (e.g. <c>items[0].sku</c>); <c>undefined</c> removes the field.</summary>
    private static string Edit(string body, string path, string json)
    {
        var root = JsonNode.Parse(body)!;
        var segments = path.Split('.');
        var parent = root;
        foreach (var segment in segments[..^1])
        {
            var bracket = segment.IndexOf('[');
            parent = bracket < 0 ? parent[segment]! : parent[segment[..bracket]]![int.Parse(segment[(bracket + 1)..^1])]!;
        }
        if (json == "undefined") parent.AsObject().Remove(segments[^1]);
        else parent[segments[^1]] = JsonNode.Parse(json);
        return root.ToJsonString();
    }

    private async Task AssertRejectedNaming(string body, string field)
    {
        using var response = await _client.PostRawAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, await response.ErrorFieldsAsync());
        Assert.Empty(await _orders.PendingMessagesAsync());
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("42")]
    [InlineData("\"12345678901234567890123456789012345678901234567890123456789012345\"")] // 65 characters
    public Task CustomerId_must_be_1_to_64_characters(string value) => AssertRejectedNaming(With("customerId", value), "customerId");

    [Theory]
    [InlineData("undefined")]
    [InlineData("[]")]
    [InlineData("{}")]
    public Task Items_must_be_a_non_empty_array(string value) => AssertRejectedNaming(With("items", value), "items");

    [Fact]
    public Task An_order_has_at_most_50_lines() =>
        AssertRejectedNaming(With("items", JsonSerializer.Serialize(Enumerable.Range(0, 51).Select(i => new { sku = $"S{i}", quantity = 1 }))), "items");

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"has space\"")]
    [InlineData("\"semi;colon\"")]
    [InlineData("\"ÄÖÜ\"")]
    [InlineData("7")]
    [InlineData("\"SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS\"")] // 65 characters
    public Task Sku_is_1_to_64_letters_digits_dash_or_underscore(string value) => AssertRejectedNaming(With("items[0].sku", value), "items[0].sku");

    [Theory]
    [InlineData("undefined")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1001")]
    [InlineData("2.5")]
    [InlineData("\"2\"")]
    public Task Quantity_is_a_whole_number_from_1_to_1000(string value) => AssertRejectedNaming(With("items[0].quantity", value), "items[0].quantity");

    [Fact]
    public Task A_line_that_is_not_an_object_is_named_by_its_index() => AssertRejectedNaming(With("items", "[{\"sku\":\"A\",\"quantity\":1}, 5]"), "items[1]");

    [Theory]
    [InlineData("undefined")]
    [InlineData("\"1 Road, London\"")]
    public Task ShippingAddress_must_be_an_object(string value) => AssertRejectedNaming(With("shippingAddress", value), "shippingAddress");

    [Theory]
    [InlineData("name", 200)]
    [InlineData("line1", 200)]
    [InlineData("city", 100)]
    [InlineData("postalCode", 20)]
    public async Task Address_lines_are_required_and_bounded(string field, int max)
    {
        await AssertRejectedNaming(With($"shippingAddress.{field}", "undefined"), $"shippingAddress.{field}");
        await AssertRejectedNaming(With($"shippingAddress.{field}", "\"\""), $"shippingAddress.{field}");
        await AssertRejectedNaming(With($"shippingAddress.{field}", JsonSerializer.Serialize(new string('x', max + 1))), $"shippingAddress.{field}");
    }

    [Theory]
    [InlineData("undefined")]
    [InlineData("\"XX\"")] // two letters, but not an assigned code
    [InlineData("\"UK\"")] // the common mistake for GB
    [InlineData("\"gb\"")]
    [InlineData("\"GBR\"")]
    [InlineData("49")]
    public Task Country_is_an_assigned_iso_3166_alpha2_code(string value) =>
        AssertRejectedNaming(With("shippingAddress.country", value), "shippingAddress.country");

    [Theory]
    [InlineData("\"\"")]
    [InlineData("null")]
    public Task PaymentToken_is_required(string value) => AssertRejectedNaming(With("paymentToken", value), "paymentToken");

    [Theory]
    [InlineData("{ not json")]
    [InlineData("")]
    [InlineData("[1, 2]")]
    [InlineData("\"an order\"")]
    public Task A_body_that_is_not_a_json_object_is_named_body(string body) => AssertRejectedNaming(body, "body");

    [Fact]
    public async Task An_unusable_idempotency_key_is_named()
    {
        using var response = await _client.PostAsync(OrderRequests.Valid(), idempotencyKey: new string('k', 129));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.ErrorFieldsAsync());
    }

    [Fact]
    public async Task Every_bad_field_is_reported_at_once_and_nothing_is_stored()
    {
        var body = Edit(Edit(With("customerId", "\"\""), "paymentToken", "undefined"), "items[0].quantity", "0");
        using var response = await _client.PostRawAsync(body);
        var fields = await response.ErrorFieldsAsync();
        Assert.Equal(["customerId", "items[0].quantity", "paymentToken"], fields.Order(StringComparer.Ordinal));
        Assert.Empty(await _orders.PendingMessagesAsync());
    }
}
