using System.Net;
using System.Text.Json;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Hosting.Access;
using Orderly.Orders.Handlers;

namespace Orderly.Orders.Tests;

/// <summary>The operator's order search, <c>GET /api/orders</c>: every customer's orders from the read model, filtered and paged.</summary>
public sealed class OrderSearchTests : IAsyncLifetime
{
    private readonly OrdersHarness _orders = new();
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _operator = await _orders.ClientAsync("ops", Roles.Operator);
        var at = _orders.Clock.GetUtcNow();
        var address = new ShippingAddress("Ada", "1 Road", "London", "N1", "GB");
        // Seven orders of three customers: o-1, o-4 confirmed; o-2 cancelled; the rest pending.
        for (var i = 1; i <= 7; i++)
        {
            var customer = $"cust-{i % 3}";
            await _orders.HandleAsync(new OrderPlacedReadModelHandler(), new OrderPlaced($"o-{i}", customer, [new OrderLine("A", i)], address, "tok", at));
        }
        await _orders.HandleAsync(new OrderConfirmedReadModelHandler(), new OrderConfirmed("o-1", "cust-1", new Money(10m, "EUR"), at));
        await _orders.HandleAsync(new OrderConfirmedReadModelHandler(), new OrderConfirmed("o-4", "cust-1", new Money(40m, "EUR"), at));
        await _orders.HandleAsync(new OrderCancelledReadModelHandler(), new OrderCancelled("o-2", "cust-2", "payment-declined", at));
    }

    public async Task DisposeAsync() => await _orders.DisposeAsync();

    [Fact]
    public async Task An_operator_pages_through_every_customers_orders_once()
    {
        var (orders, pages) = await SearchAllAsync("pageSize=3");
        Assert.Equal(3, pages);
        Assert.Equal(["o-1", "o-2", "o-3", "o-4", "o-5", "o-6", "o-7"], orders.Select(o => o.GetProperty("orderId").GetString()).Order());
        var o4 = orders.Single(o => o.GetProperty("orderId").GetString() == "o-4");
        // The same line as the customer's own list shows, with whose order it is.
        Assert.Equal(("cust-1", "Confirmed", 40m, 4), (o4.GetProperty("customerId").GetString(), o4.GetProperty("status").GetString(),
            o4.GetProperty("total").GetProperty("amount").GetDecimal(), o4.GetProperty("itemCount").GetInt32()));
    }

    [Fact]
    public async Task Status_and_customer_narrow_the_search()
    {
        var (confirmed, _) = await SearchAllAsync("status=confirmed&pageSize=1");
        Assert.Equal(["o-1", "o-4"], confirmed.Select(o => o.GetProperty("orderId").GetString()).Order());

        var (pending, _) = await SearchAllAsync("status=Pending&customerId=cust-0");
        Assert.Equal(["o-3", "o-6"], pending.Select(o => o.GetProperty("orderId").GetString()).Order());

        var (nobody, _) = await SearchAllAsync("customerId=nobody");
        Assert.Empty(nobody);
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("pageSize=ten", "pageSize")]
    [InlineData("status=Shipped", "status")]
    [InlineData("status=1", "status")]
    [InlineData("customerId=%20", "customerId")]
    [InlineData("continuation=not-a-continuation", "continuation")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string field)
    {
        using var response = await _operator.GetAsync("/api/orders?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], await response.ErrorFieldsAsync());
    }

    [Fact]
    public async Task Only_an_operator_may_search()
    {
        using var customer = await _orders.ClientAsync("cust-1", Roles.Customer);
        using var anonymous = await _orders.ClientAsync(null);
        using var asCustomer = await customer.GetAsync("/api/orders?customerId=cust-1");
        using var asAnyone = await anonymous.GetAsync("/api/orders");
        Assert.Equal(HttpStatusCode.Forbidden, asCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asAnyone.StatusCode);
    }

    /// <summary>Every order the search finds, following continuations, and how many pages it took.</summary>
    private async Task<(List<JsonElement> Orders, int Pages)> SearchAllAsync(string query)
    {
        var orders = new List<JsonElement>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var url = "/api/orders?" + query + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            using var response = await _operator.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.JsonAsync();
            orders.AddRange(page.GetProperty("items").EnumerateArray().Select(o => o.Clone()));
            continuation = page.GetProperty("continuation").GetString();
            pages++;
        }
        while (continuation is not null && pages < 20);
        Assert.Null(continuation);
        return (orders, pages);
    }
}
