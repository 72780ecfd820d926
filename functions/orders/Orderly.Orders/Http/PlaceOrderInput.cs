using System.Text.Json;
using System.Text.RegularExpressions;
using Orderly.Contracts;
using Orderly.Hosting.Http;
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

    // \z, not $: in .NET $ also matches before a final newline, and "sku\n" would pass.
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex SkuPattern();

    /// <summary>
    /// The request of <paramref name="subject"/> (the customer the token names; a body <c>customerId</c>, when present, is
    /// read and checked like any field, and the endpoint refuses one that is not the subject), or null with every bad field
    /// in <paramref name="fields"/>.
    /// </summary>
    public static PlaceOrder? Read(JsonElement body, string subject, FieldReader fields)
    {
        var customerId = fields.Text(body, "customerId", MaxCustomerIdLength, required: false);
        var items = Lines(body, fields);
        var address = Address(body, fields);
        var paymentToken = fields.Text(body, "paymentToken", MaxPaymentTokenLength);
        if (fields.Errors.Any || items is null || address is null || paymentToken is null) return null;
        return new PlaceOrder(customerId ?? subject, items, address, paymentToken);
    }

    /// <summary>The error of an Idempotency-Key header value, or null when it is acceptable (absent counts as acceptable).</summary>
    public static string? CheckIdempotencyKey(string? key)
    {
        if (key is null) return null;
        if (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c < 0x21 || c > 0x7E))
            return $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters.";
        return null;
    }

    private static List<OrderLine>? Lines(JsonElement body, FieldReader fields)
    {
        if (fields.Array(body, "items", 1, MaxLines, "{ sku, quantity }") is not { } items) return null;
        var lines = new List<OrderLine>(items.GetArrayLength());
        var i = 0;
        foreach (var line in items.EnumerateArray())
        {
            var path = $"items[{i++}]";
            if (line.ValueKind != JsonValueKind.Object)
            {
                fields.Errors.Add(path, "Each line must be an object { sku, quantity }.");
                continue;
            }
            var sku = fields.Code(line, "sku", SkuPattern().IsMatch, "sku must be 1 to 64 letters, digits, '-' or '_'.", path + ".sku");
            var quantity = fields.Int(line, "quantity", 1, MaxQuantity, path + ".quantity");
            if (sku is not null && quantity is not null) lines.Add(new OrderLine(sku, quantity.Value));
        }
        return lines.Count == i ? lines : null;
    }

    private static ShippingAddress? Address(JsonElement body, FieldReader fields)
    {
        if (fields.Object(body, "shippingAddress", "{ name, line1, city, postalCode, country }") is not { } a) return null;
        // Bounds match the contract schema (common.schema.json#/$defs/shippingAddress), so an accepted order always makes a valid event.
        var name = fields.Text(a, "name", 200, "shippingAddress.name");
        var line1 = fields.Text(a, "line1", 200, "shippingAddress.line1");
        var city = fields.Text(a, "city", 100, "shippingAddress.city");
        var postalCode = fields.Text(a, "postalCode", 20, "shippingAddress.postalCode");
        var country = fields.Code(a, "country", CountryCodes.IsAssigned,
            "country must be an assigned ISO 3166-1 alpha-2 code in upper case, e.g. DE or US.", "shippingAddress.country");
        return name is null || line1 is null || city is null || postalCode is null || country is null
            ? null
            : new ShippingAddress(name, line1, city, postalCode, country);
    }
}
