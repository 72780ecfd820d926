using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orderly.EndToEnd.Support;

/// <summary>The shop's public HTTP API (ORDERLY.md "Public HTTP API"), as a customer or an operator calls it.</summary>
public sealed class ShopApi(ShopHost host)
{
    /// <summary>How long an order may take to reach Confirmed or Cancelled (a timed-out step takes a few seconds).</summary>
    public static readonly TimeSpan CheckoutDeadline = TimeSpan.FromSeconds(45);

    /// <summary>An anonymous client.</summary>
    public HttpClient Http => host.Client;

    /// <summary>Who places an order whose body names no usable customer.</summary>
    public const string DefaultCustomer = "e2e-customer";

    /// <summary>A customer's client: the token's subject is <paramref name="customerId"/>.</summary>
    public Task<HttpClient> CustomerAsync(string customerId) => host.SignedInAsync(customerId, "customer");

    /// <summary>A shop admin's client (products, prices, stock).</summary>
    public Task<HttpClient> AdminAsync() => host.SignedInAsync("e2e-shop-admin", "shop-admin");

    /// <summary>An operator's client (reads everything, triages dead letters).</summary>
    public Task<HttpClient> OperatorAsync() => host.SignedInAsync("e2e-operator", "operator");

    public ShopHost Host => host;

    /// <summary>A sku no other test uses.</summary>
    public static string NewSku(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];

    /// <summary>A new customer, or, against an external shop with <c>ORDERLY_TOKEN_CUSTOMER</c>, that token's customer (the only one the suite can sign in as).</summary>
    public static string NewCustomer() => EnvironmentTokens.Customer ?? "cust-" + Guid.NewGuid().ToString("N")[..12];

    public static object Address(string country = "NL") =>
        new { name = "Ada Lovelace", line1 = "1 Analytical St", city = "Amsterdam", postalCode = "1011AB", country };

    public static object Order(string customerId, IEnumerable<(string Sku, int Quantity)> items, string paymentToken = "tok_visa", string country = "NL") =>
        new
        {
            customerId,
            items = items.Select(i => new { sku = i.Sku, quantity = i.Quantity }).ToArray(),
            shippingAddress = Address(country),
            paymentToken,
        };

    /// <summary>Creates a product with stock; fails the test if the inventory API refuses.</summary>
    public async Task CreateProductAsync(string sku, decimal unitPrice, int stock, string currency = "EUR")
    {
        var admin = await AdminAsync();
        using (var put = await admin.PutAsJsonAsync($"api/inventory/products/{sku}", new { name = "Product " + sku, unitPrice, currency }))
            await EnsureSuccess(put, "PUT product");
        if (stock != 0)
        {
            using var add = await admin.PostAsJsonAsync($"api/inventory/products/{sku}/stock", new { quantity = stock });
            await EnsureSuccess(add, "POST stock");
        }
    }

    public async Task<Product> GetProductAsync(string sku)
    {
        var json = await GetJsonAsync($"api/inventory/products/{sku}");
        return new Product(json.Int("onHand"), json.Int("reserved"), json.Int("available"));
    }

    public Task<HttpResponseMessage> PostOrderAsync(object body, string? idempotencyKey = null) =>
        PostRawOrderAsync(JsonSerializer.Serialize(body), idempotencyKey);

    /// <summary>Posts an order as the customer its body names (as a real client would), or as <see cref="DefaultCustomer"/>.</summary>
    public async Task<HttpResponseMessage> PostRawOrderAsync(string body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/orders") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await (await CustomerAsync(CustomerNamedIn(body))).SendAsync(request);
    }

    /// <summary>The body's customerId when it is one a token can carry, else <see cref="DefaultCustomer"/>.</summary>
    public static string CustomerNamedIn(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("customerId", out var c)
                   && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 and <= 64 } id && !string.IsNullOrWhiteSpace(id)
                ? id
                : DefaultCustomer;
        }
        catch (JsonException)
        {
            return DefaultCustomer;
        }
    }

    /// <summary>Places an order and returns its id (the order is accepted as Pending).</summary>
    public async Task<string> PlaceOrderAsync(object body, string? idempotencyKey = null)
    {
        using var response = await PostOrderAsync(body, idempotencyKey);
        await EnsureStatus(response, HttpStatusCode.Accepted, "POST /api/orders");
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Pending", json.Str("status"));
        Assert.NotNull(response.Headers.Location);
        return json.Str("orderId")!;
    }

    /// <summary>Polls the order until it is Confirmed or Cancelled, or fails at the deadline.</summary>
    public async Task<JsonElement> WaitForOutcomeAsync(string orderId)
    {
        JsonElement last = default;
        var ok = await Eventually.TrueAsync(async () =>
        {
            last = await GetJsonAsync($"api/orders/{orderId}");
            return last.Str("status") is "Confirmed" or "Cancelled";
        }, CheckoutDeadline);
        Assert.True(ok, $"order {orderId} still {last.Str("status")} after {CheckoutDeadline}\n{Host.Output}");
        return last;
    }

    /// <summary>Polls the checkout saga until it is no longer Running.</summary>
    public async Task<JsonElement> WaitForSagaEndAsync(string orderId)
    {
        JsonElement last = default;
        var ok = await Eventually.TrueAsync(async () =>
        {
            using var response = await (await OperatorAsync()).GetAsync($"api/checkout/{orderId}");
            if (response.StatusCode != HttpStatusCode.OK) return false;
            last = await response.Content.ReadFromJsonAsync<JsonElement>();
            return last.Str("status") is "Completed" or "Compensated" or "Failed";
        }, CheckoutDeadline);
        Assert.True(ok, $"saga {orderId} not finished: {last}");
        return last;
    }

    /// <summary>Reads <paramref name="path"/> as an operator, who may read everything.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await (await OperatorAsync()).GetAsync(path);
        await EnsureStatus(response, HttpStatusCode.OK, "GET " + path);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The items of a list answer, whether the API returns a bare array or an object holding one.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetListAsync(string path) => (await GetJsonAsync(path)).Items();

    /// <summary>The payments recorded for an order.</summary>
    public Task<IReadOnlyList<JsonElement>> PaymentsOfAsync(string orderId) => GetListAsync($"api/payments?orderId={orderId}");

    public Task<IReadOnlyList<JsonElement>> ShipmentsOfAsync(string orderId) => GetListAsync($"api/shipments?orderId={orderId}");

    public Task<IReadOnlyList<JsonElement>> NotificationsOfAsync(string customerId) => GetListAsync($"api/notifications?customerId={customerId}");

    public static async Task EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode) return;
        Assert.Fail($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task EnsureStatus(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode == expected) return;
        Assert.Fail($"{what} answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>Stock of a product as the inventory API shows it.</summary>
public sealed record Product(int OnHand, int Reserved, int Available);

/// <summary>Waits on a condition with a deadline (never a fixed sleep).</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 20;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 250);
        }
    }
}

/// <summary>Lenient reading of the API's camelCase JSON.</summary>
public static class Json
{
    public static JsonElement? Prop(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in element.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    public static string? Str(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    public static int Int(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Number } v ? v.GetInt32() : throw new InvalidOperationException($"no number '{name}' in {element}");

    public static decimal Dec(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Number } v ? v.GetDecimal() : throw new InvalidOperationException($"no number '{name}' in {element}");

    /// <summary>A bare array, or the first array property of an object (<c>{ items: [...] }</c>), or a single object as one item.</summary>
    public static IReadOnlyList<JsonElement> Items(this JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().ToList(),
        JsonValueKind.Object when element.EnumerateObject().FirstOrDefault(p => p.Value.ValueKind == JsonValueKind.Array) is { Value.ValueKind: JsonValueKind.Array } p
            => p.Value.EnumerateArray().ToList(),
        JsonValueKind.Object => [element],
        _ => [],
    };

    /// <summary>The status of a payment/shipment/saga step, lower-cased ("captured", "voided", ...).</summary>
    public static string StatusOf(this JsonElement element) => (element.Str("status") ?? element.Str("state") ?? "").ToLowerInvariant();
}
