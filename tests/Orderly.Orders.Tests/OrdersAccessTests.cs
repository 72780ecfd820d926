using System.Net;
using System.Text;
using System.Text.Json;
using Orderly.Hosting.Access;

namespace Orderly.Orders.Tests;

/// <summary>Who may do what on the orders API, and what hostile bodies get: each refusal a 4xx problem, nothing stored.</summary>
public sealed class OrdersAccessTests : IAsyncLifetime
{
    private readonly OrdersHarness _orders = new() { PlaceOrderLimit = (60, 3) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _orders.DisposeAsync();

    private async Task<string> PlaceAsAsync(string customerId)
    {
        using var client = await _orders.ClientAsync(customerId, Roles.Customer);
        using var response = await client.PostAsync(OrderRequests.Valid(customerId));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("orderId").GetString()!;
    }

    [Fact]
    public async Task Without_a_token_every_orders_route_is_401_with_a_bearer_challenge()
    {
        using var anonymous = await _orders.ClientAsync(null);
        foreach (var (method, path) in new[] { ("POST", "/api/orders"), ("GET", "/api/orders/o-1"), ("GET", "/api/customers/ada/orders") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_shop_admin_may_not_place_or_read_orders()
    {
        using var admin = await _orders.ClientAsync("shopkeeper", Roles.ShopAdmin);
        using var place = await admin.PostAsync(OrderRequests.Valid("shopkeeper"));
        using var list = await admin.GetAsync("/api/customers/shopkeeper/orders");
        Assert.Equal(HttpStatusCode.Forbidden, place.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Empty(await _orders.PendingMessagesAsync());
    }

    [Fact]
    public async Task The_customer_is_the_token_subject_and_may_leave_customerId_out()
    {
        using var ada = await _orders.ClientAsync("ada", Roles.Customer);
        var body = OrderRequests.Valid();
        body.Remove("customerId");
        using var placed = await ada.PostAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        using var read = await ada.GetAsync(placed.Headers.Location);
        Assert.Equal("ada", (await read.JsonAsync()).GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task Placing_an_order_in_another_customers_name_is_403_and_stores_nothing()
    {
        using var mallory = await _orders.ClientAsync("mallory", Roles.Customer);
        using var response = await mallory.PostAsync(OrderRequests.Valid("ada"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await _orders.PendingMessagesAsync());
    }

    [Fact]
    public async Task Another_customers_order_is_404_and_their_list_403_while_an_operator_sees_both()
    {
        var adasOrder = await PlaceAsAsync("ada");
        using var mallory = await _orders.ClientAsync("mallory", Roles.Customer);
        using var ops = await _orders.ClientAsync("ops", Roles.Operator);

        using var order = await mallory.GetAsync($"/api/orders/{adasOrder}");
        using var missing = await mallory.GetAsync("/api/orders/no-such-order");
        Assert.Equal(HttpStatusCode.NotFound, order.StatusCode);
        // Indistinguishable from a missing order, so order ids cannot be probed.
        Assert.Equal((await missing.JsonAsync()).GetProperty("title").GetString(), (await order.JsonAsync()).GetProperty("title").GetString());
        using var list = await mallory.GetAsync("/api/customers/ada/orders");
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);

        using var opsOrder = await ops.GetAsync($"/api/orders/{adasOrder}");
        using var opsList = await ops.GetAsync("/api/customers/ada/orders");
        Assert.Equal(HttpStatusCode.OK, opsOrder.StatusCode);
        Assert.Equal(HttpStatusCode.OK, opsList.StatusCode);
    }

    [Theory]
    [InlineData("{\"paymentToken\":\"tok_visa\",\"paymentToken\":\"tok_decline\"}", "paymentToken")]
    [InlineData("{\"shippingAddress\":{\"city\":\"A\",\"city\":\"B\"}}", "shippingAddress.city")]
    public async Task A_property_sent_twice_is_400_naming_it(string body, string field)
    {
        using var client = await _orders.ClientAsync();
        using var response = await client.PostRawAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], await response.ErrorFieldsAsync());
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_string_is_400_naming_the_field()
    {
        var body = JsonSerializer.Serialize(OrderRequests.Valid()).Replace("\"Ada Lovelace\"", "\"Ada \\ud800\"", StringComparison.Ordinal);
        using var client = await _orders.ClientAsync();
        using var response = await client.PostRawAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["shippingAddress.name"], await response.ErrorFieldsAsync());
        Assert.Empty(await _orders.PendingMessagesAsync());
    }

    [Fact]
    public async Task Invalid_utf8_in_the_body_is_a_400_not_a_500()
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(OrderRequests.Valid()).Replace("Ada Lovelace", "Ada XX", StringComparison.Ordinal));
        var at = Array.IndexOf(bytes, (byte)'X');
        bytes[at] = 0xC3; // a lead byte followed by ASCII: not UTF-8
        using var client = await _orders.ClientAsync();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync("/api/orders", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await _orders.PendingMessagesAsync());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_one_that_is_not_json_415()
    {
        using var client = await _orders.ClientAsync();
        using var large = await client.PostRawAsync("{\"paymentToken\":\"" + new string('x', 40 * 1024) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal("application/problem+json", large.Content.Headers.ContentType?.MediaType);

        using var form = await client.PostAsync("/api/orders", new StringContent("customerId=cust-1", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.True(form.StatusCode == HttpStatusCode.UnsupportedMediaType, await form.Content.ReadAsStringAsync());
        Assert.Empty(await _orders.PendingMessagesAsync());
    }

    [Fact]
    public async Task A_customer_placing_orders_too_fast_gets_429_with_retry_after_and_others_are_not_slowed()
    {
        using var eager = await _orders.ClientAsync("eager", Roles.Customer);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await eager.PostAsync(OrderRequests.Valid("eager"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        await PlaceAsAsync("patient");
    }
}
