using System.Text.Json;
using System.Text.RegularExpressions;
using Orderly.Contracts;
using Orderly.Orders.Domain;

namespace Orderly.Orders.Http;

/// <summary>
/// Reads the body of <c>POST /api/orders</c> and checks every field rule, collecting every bad field (keyed by its JSON path,
/// e.g. <c>items[0].sku</c>) so the customer fixes them all at once. An unknown sku is not a field error: the checkout decides.
/// </summary>
public static partial class PlaceOrderInput
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 1000;
    public const int MaxCustomerIdLength = 64;
    public const int MaxPaymentTokenLength = 256;
    public const int MaxIdempotencyKeyLength = 128;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SkuPattern();

    /// <summary>The request, or null with <paramref name="errors"/> naming each bad field.</summary>
    public static PlaceOrder? Read(JsonElement body, out Dictionary<string, string[]> errors)
    {
        var found = new Errors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            found.Add("body", "The body must be a JSON object.");
            errors = found.ToDictionary();
            return null;
        }

        var customerId = Text(body, "customerId", "customerId", MaxCustomerIdLength, found);
        var items = Lines(body, found);
        var address = Address(body, found);
        var paymentToken = Text(body, "paymentToken", "paymentToken", MaxPaymentTokenLength, found);

        errors = found.ToDictionary();
        return errors.Count == 0 ? new PlaceOrder(customerId!, items!, address!, paymentToken!) : null;
    }

    /// <summary>The error of an Idempotency-Key header value, or null when it is acceptable (absent counts as acceptable).</summary>
    public static string? CheckIdempotencyKey(string? key)
    {
        if (key is null) return null;
        if (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c < 0x21 || c > 0x7E))
            return $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters.";
        return null;
    }

    private static List<OrderLine>? Lines(JsonElement body, Errors errors)
    {
        if (!body.TryGetProperty("items", out var items) || items.ValueKind == JsonValueKind.Null)
        {
            errors.Add("items", "items is required.");
            return null;
        }
        if (items.ValueKind != JsonValueKind.Array)
        {
            errors.Add("items", "items must be an array of { sku, quantity }.");
            return null;
        }
        var count = items.GetArrayLength();
        if (count is 0 or > MaxLines)
        {
            errors.Add("items", $"An order has 1 to {MaxLines} lines; this one has {count}.");
            return null;
        }

        var lines = new List<OrderLine>(count);
        var i = 0;
        foreach (var line in items.EnumerateArray())
        {
            var path = $"items[{i++}]";
            if (line.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, "Each line must be an object { sku, quantity }.");
                continue;
            }
            var sku = Sku(line, path + ".sku", errors);
            var quantity = Quantity(line, path + ".quantity", errors);
            if (sku is not null && quantity is not null) lines.Add(new OrderLine(sku, quantity.Value));
        }
        return lines.Count == count ? lines : null;
    }

    private static string? Sku(JsonElement line, string path, Errors errors)
    {
        if (!line.TryGetProperty("sku", out var sku) || sku.ValueKind == JsonValueKind.Null)
        {
            errors.Add(path, "sku is required.");
            return null;
        }
        if (sku.ValueKind != JsonValueKind.String || !SkuPattern().IsMatch(sku.GetString()!))
        {
            errors.Add(path, "sku must be 1 to 64 letters, digits, '-' or '_'.");
            return null;
        }
        return sku.GetString();
    }

    private static int? Quantity(JsonElement line, string path, Errors errors)
    {
        if (!line.TryGetProperty("quantity", out var quantity) || quantity.ValueKind == JsonValueKind.Null)
        {
            errors.Add(path, "quantity is required.");
            return null;
        }
        if (quantity.ValueKind != JsonValueKind.Number || !quantity.TryGetInt32(out var n) || n is < 1 or > MaxQuantity)
        {
            errors.Add(path, $"quantity must be a whole number from 1 to {MaxQuantity}.");
            return null;
        }
        return n;
    }

    private static ShippingAddress? Address(JsonElement body, Errors errors)
    {
        if (!body.TryGetProperty("shippingAddress", out var a) || a.ValueKind == JsonValueKind.Null)
        {
            errors.Add("shippingAddress", "shippingAddress is required.");
            return null;
        }
        if (a.ValueKind != JsonValueKind.Object)
        {
            errors.Add("shippingAddress", "shippingAddress must be an object { name, line1, city, postalCode, country }.");
            return null;
        }
        // Bounds match the contract schema (common.schema.json#/$defs/shippingAddress), so an accepted order always makes a valid event.
        var name = Text(a, "name", "shippingAddress.name", 200, errors);
        var line1 = Text(a, "line1", "shippingAddress.line1", 200, errors);
        var city = Text(a, "city", "shippingAddress.city", 100, errors);
        var postalCode = Text(a, "postalCode", "shippingAddress.postalCode", 20, errors);
        var country = Country(a, errors);
        return name is null || line1 is null || city is null || postalCode is null || country is null
            ? null
            : new ShippingAddress(name, line1, city, postalCode, country);
    }

    private static string? Country(JsonElement address, Errors errors)
    {
        const string path = "shippingAddress.country";
        if (!address.TryGetProperty("country", out var c) || c.ValueKind == JsonValueKind.Null)
        {
            errors.Add(path, "country is required.");
            return null;
        }
        if (c.ValueKind != JsonValueKind.String || !CountryCodes.IsAssigned(c.GetString()!))
        {
            errors.Add(path, "country must be an assigned ISO 3166-1 alpha-2 code in upper case, e.g. DE or US.");
            return null;
        }
        return c.GetString();
    }

    /// <summary>A required string of 1 to <paramref name="max"/> characters that is not only white space.</summary>
    private static string? Text(JsonElement parent, string name, string path, int max, Errors errors)
    {
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            errors.Add(path, $"{name} is required.");
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add(path, $"{name} must be a string.");
            return null;
        }
        var s = v.GetString()!;
        if (string.IsNullOrWhiteSpace(s) || s.Length > max)
        {
            errors.Add(path, $"{name} must be 1 to {max} characters and not blank.");
            return null;
        }
        return s;
    }

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var list)) _byField[field] = list = [];
            list.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() => _byField.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }
}
