using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Orderly.EndToEnd.Tests;

/// <summary>Nobody gets in where they don't belong, over HTTP only: another customer's anything, and bodies too large to read.</summary>
public sealed class AccessTests : ShopTest
{
    [Fact]
    public async Task Customer_b_can_neither_read_nor_act_on_anything_of_customer_a()
    {
        var sku = ShopApi.NewSku("mine");
        await Shop.CreateProductAsync(sku, 4m, stock: 3);
        var alice = ShopApi.NewCustomer();
        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(alice, [(sku, 1)]));
        await Shop.WaitForOutcomeAsync(orderId);
        var bob = await Shop.CustomerAsync(ShopApi.NewCustomer());
        var aliceClient = await Shop.CustomerAsync(alice);

        async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
        {
            using var response = await client.GetAsync(path);
            return response.StatusCode;
        }

        // Alice sees her own.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(aliceClient, $"api/orders/{orderId}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(aliceClient, $"api/checkout/{orderId}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(aliceClient, $"api/customers/{alice}/orders"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(aliceClient, $"api/notifications?customerId={alice}"));
        // Bob: her single resources are not there for him, her lists are forbidden, payments and shipments are operators'.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bob, $"api/orders/{orderId}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bob, $"api/checkout/{orderId}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(bob, $"api/customers/{alice}/orders"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(bob, $"api/notifications?customerId={alice}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(bob, $"api/payments?orderId={orderId}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(bob, $"api/shipments?orderId={orderId}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(bob, "api/admin/dead-letters"));
        // Nor may he order in her name, change the catalog or read the detailed health.
        using var inHerName = await bob.PostAsync("api/orders", new StringContent(JsonSerializer.Serialize(ShopApi.Order(alice, [(sku, 1)])), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, inHerName.StatusCode);
        using var price = await bob.PutAsync($"api/inventory/products/{sku}", new StringContent("""{"name":"x","unitPrice":0.01,"currency":"EUR"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, price.StatusCode);
        using var health = await bob.GetAsync("api/health");
        Assert.Null((await ShopApiJson(health)).Prop("checks"));
        Assert.Equal(4m, (await Shop.GetJsonAsync($"api/inventory/products/{sku}")).Dec("unitPrice"));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_with_a_bearer_challenge_and_liveness_only()
    {
        using var orders = await Shop.Http.GetAsync("api/customers/someone/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, orders.StatusCode);
        Assert.Equal("Bearer", orders.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", orders.Content.Headers.ContentType?.MediaType);

        using var health = await Shop.Http.GetAsync("api/health");
        var body = await ShopApiJson(health);
        Assert.NotNull(body.Str("status"));
        Assert.Null(body.Prop("checks")); // no paths, host names or exception text for anonymous callers
        Assert.NotNull((await Shop.GetJsonAsync("api/health")).Prop("checks")); // an operator sees each dependency
    }

    [Fact]
    public async Task A_40_mb_order_is_refused_with_413_before_it_is_read_and_the_host_stays_flat()
    {
        var customer = await Shop.CustomerAsync(ShopApi.NewCustomer());
        var before = Shop.Host.ResidentBytes();
        var payload = new byte[40 * 1024 * 1024];
        Array.Fill(payload, (byte)' ');
        for (var i = 0; i < 4; i++)
        {
            using var declared = new ByteArrayContent(payload);
            declared.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            // Expect: 100-continue lets the host refuse on the headers alone, so the client never sends the 40 MB.
            using var post = new HttpRequestMessage(HttpMethod.Post, "api/orders") { Content = declared };
            post.Headers.ExpectContinue = true;
            using var response = await customer.SendAsync(post);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        // Without a length: the host stops reading at the route's limit.
        using var chunked = new StreamContent(new MemoryStream(payload));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/orders") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        HttpStatusCode status;
        try
        {
            using var response = await customer.SendAsync(request);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = HttpStatusCode.RequestEntityTooLarge; // the host answered 413 and closed while the client was still sending
        }
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        if (before is { } b && Shop.Host.ResidentBytes() is { } after)
            Assert.True(after - b < 64L * 1024 * 1024, $"the host grew by {(after - b) / (1024 * 1024)} MB for 200 MB of refused bodies");
    }

    private static async Task<JsonElement> ShopApiJson(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
