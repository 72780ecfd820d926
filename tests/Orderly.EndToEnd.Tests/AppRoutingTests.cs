using System.Net;

namespace Orderly.EndToEnd.Tests;

/// <summary>Against Azure, where every app has its own URL, each request of the suite reaches the app that serves its route.</summary>
public sealed class AppRoutingTests
{
    private const string AppUrls = """
        [{"name":"orders","url":"https://func-orders-x.azurewebsites.net"},{"name":"inventory","url":"https://func-inventory-x.azurewebsites.net/"},
         {"name":"payments","url":"https://func-payments-x.azurewebsites.net"},{"name":"shipping","url":"https://func-shipping-x.azurewebsites.net"},
         {"name":"notifications","url":"https://func-notifications-x.azurewebsites.net"},{"name":"checkout","url":"https://func-checkout-x.azurewebsites.net"},
         {"name":"operations","url":"https://func-operations-x.azurewebsites.net"}]
        """;

    private sealed class Recorder : HttpMessageHandler
    {
        public List<Uri> Sent { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    [Theory]
    [InlineData("api/orders", "https://func-orders-x.azurewebsites.net/api/orders")]
    [InlineData("api/customers/ada/orders", "https://func-orders-x.azurewebsites.net/api/customers/ada/orders")]
    [InlineData("api/inventory/products/mug?x=1", "https://func-inventory-x.azurewebsites.net/api/inventory/products/mug?x=1")]
    [InlineData("api/payments?orderId=o-1", "https://func-payments-x.azurewebsites.net/api/payments?orderId=o-1")]
    [InlineData("api/shipments?orderId=o-1", "https://func-shipping-x.azurewebsites.net/api/shipments?orderId=o-1")]
    [InlineData("api/notifications?customerId=ada", "https://func-notifications-x.azurewebsites.net/api/notifications?customerId=ada")]
    [InlineData("api/checkout/o-1", "https://func-checkout-x.azurewebsites.net/api/checkout/o-1")]
    [InlineData("api/admin/dead-letters?entity=payments-commands", "https://func-operations-x.azurewebsites.net/api/admin/dead-letters?entity=payments-commands")]
    public async Task Each_route_goes_to_the_app_that_serves_it(string path, string expected)
    {
        var recorder = new Recorder();
        using var client = new HttpClient(AppRouting.From(AppUrls, recorder)) { BaseAddress = new Uri("https://func-orders-x.azurewebsites.net/") };

        using var _ = await client.GetAsync(path);

        Assert.Equal(new Uri(expected), Assert.Single(recorder.Sent));
    }

    [Fact]
    public void A_missing_app_url_is_named_before_any_request()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            AppRouting.From("""[{"name":"orders","url":"https://o"}]""", new Recorder()));
        Assert.Contains("inventory", error.Message, StringComparison.Ordinal);
    }
}
