using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orderly.Demo;

/// <summary>The shop as the demo sees it: its HTTP routes, called with dev tokens for a customer and an operator.</summary>
public sealed class Shop(Uri baseUrl, TimeSpan checkoutWait) : IDisposable
{
    public const string Customer = "ada";

    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    private AuthenticationHeaderValue? _customer;
    private AuthenticationHeaderValue? _operator;

    public Uri BaseUrl => baseUrl;

    /// <summary>Takes a customer's and an operator's token from the local host's dev issuer.</summary>
    public async Task SignInAsync()
    {
        _customer = await TokenAsync(Customer, "customer");
        _operator = await TokenAsync("ops", "operator");
    }

    /// <summary>Places an order; the id the shop gave it.</summary>
    public async Task<string> PlaceAsync(string idempotencyKey, string sku, int quantity, string paymentToken, string country)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/orders")
        {
            Content = JsonContent.Create(new
            {
                items = new[] { new { sku, quantity } },
                shippingAddress = new { name = "Ada Lovelace", line1 = "12 Analytical Row", city = "London", postalCode = "N1 7AA", country },
                paymentToken,
            }),
        };
        request.Headers.Authorization = _customer;
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await _http.SendAsync(request);
        var body = await Expect(response, HttpStatusCode.Accepted, "POST /api/orders");
        return body.GetProperty("orderId").GetString()!;
    }

    /// <summary>A product's stock as anyone may read it.</summary>
    public async Task<(int OnHand, int Reserved)> StockAsync(string sku)
    {
        using var response = await _http.GetAsync($"api/inventory/products/{sku}");
        var body = await Expect(response, HttpStatusCode.OK, $"GET /api/inventory/products/{sku}");
        return (body.GetProperty("onHand").GetInt32(), body.GetProperty("reserved").GetInt32());
    }

    /// <summary>The checkout saga's status once it has finished (Completed, Compensated or Failed).</summary>
    public async Task<JsonElement> FinishedCheckoutAsync(string orderId)
    {
        var deadline = DateTime.UtcNow + checkoutWait;
        while (true)
        {
            using (var response = await SendAsync(HttpMethod.Get, $"api/checkout/{orderId}", _customer))
                if (response.StatusCode == HttpStatusCode.OK
                    && await response.Content.ReadFromJsonAsync<JsonElement>() is var status
                    && status.GetProperty("status").GetString() != "Running")
                    return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the checkout of {orderId} did not finish within {checkoutWait.TotalSeconds:0} s (--wait)");
            await Task.Delay(250);
        }
    }

    /// <summary>The order as its customer reads it.</summary>
    public async Task<JsonElement> OrderAsync(string orderId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"api/orders/{orderId}", _customer);
        return await Expect(response, HttpStatusCode.OK, $"GET /api/orders/{orderId}");
    }

    /// <summary>The dead letters awaiting a decision.</summary>
    public async Task<IReadOnlyList<JsonElement>> PendingDeadLettersAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "api/admin/dead-letters?status=Pending", _operator);
        var body = await Expect(response, HttpStatusCode.OK, "GET /api/admin/dead-letters");
        return [.. body.EnumerateArray()];
    }

    /// <summary>Leaves a dead letter where it is, saying why; its status afterwards.</summary>
    public async Task<string> IgnoreAsync(string id, string note)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/dead-letters/{id}/ignore") { Content = JsonContent.Create(new { note }) };
        request.Headers.Authorization = _operator;
        using var response = await _http.SendAsync(request);
        var body = await Expect(response, HttpStatusCode.OK, $"POST /api/admin/dead-letters/{id}/ignore");
        return body.GetProperty("status").GetString()!;
    }

    public void Dispose() => _http.Dispose();

    private async Task<AuthenticationHeaderValue> TokenAsync(string subject, string role)
    {
        using var response = await _http.PostAsJsonAsync("api/dev/token", new { subject, roles = new[] { role } });
        var body = await Expect(response, HttpStatusCode.OK, "POST /api/dev/token (the local host's dev issuer)");
        return new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, AuthenticationHeaderValue? token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = token;
        return await _http.SendAsync(request);
    }

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode expected, string call)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            throw new HttpRequestException($"{call} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
