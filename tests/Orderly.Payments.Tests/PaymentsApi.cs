using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Contracts.Payments;

namespace Orderly.Payments.Tests;

public sealed class PaymentsApi : IAsyncLifetime
{
    private readonly PaymentsHarness _h = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await _h.ClientAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Payments_are_for_operators_only_anonymous_is_401_and_a_customer_403()
    {
        using var anonymous = await _h.Tokens.As(_client, "x").GetAsync("/api/payments?orderId=o-1"); // a token without roles
        using var customer = await (await _h.ClientAsync("ada", Orderly.Hosting.Access.Roles.Customer)).GetAsync("/api/payments?orderId=o-1");
        using var nobody = await (await _h.ClientAsync(null)).GetAsync("/api/payments?orderId=o-1");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        _h.Tokens.As(_client, "ops", Orderly.Hosting.Access.Roles.Operator);
    }

    [Theory]
    [InlineData("/api/payments")]
    [InlineData("/api/payments?orderId=")]
    public async Task Listing_payments_without_an_order_id_names_orderId(string url)
    {
        var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["orderId"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_payments_of_an_order_show_status_and_amount()
    {
        var auth = Assert.IsType<PaymentAuthorized>(await _h.ReplyToAsync(_h.Authorize, new AuthorizePayment("o1", new Money(12.5m, "EUR"), "tok_visa")));

        var list = JsonDocument.Parse(await _client.GetStringAsync("/api/payments?orderId=o1")).RootElement;

        var p = Assert.Single(list.EnumerateArray());
        Assert.Equal(auth.PaymentId, p.GetProperty("paymentId").GetString());
        Assert.Equal("Authorized", p.GetProperty("status").GetString());
        Assert.Equal(12.5m, p.GetProperty("amount").GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", p.GetProperty("amount").GetProperty("currency").GetString());
        Assert.Empty(JsonDocument.Parse(await _client.GetStringAsync("/api/payments?orderId=other")).RootElement.EnumerateArray());
    }

    [Theory]
    [InlineData(null, 5000)]
    [InlineData("2.5", 2500)]
    [InlineData("00:00:01", 1000)]
    public void The_provider_timeout_comes_from_configuration(string? setting, int expectedMs)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Payments:Provider"] = "simulated",
            ["Payments:ProviderTimeout"] = setting,
        }).Build();
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), PaymentsOptions.From(config).ProviderTimeout);
    }
}
