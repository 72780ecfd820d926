using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orderly.Contracts;

namespace Orderly.Orders.Domain;

/// <summary>A customer's request to place an order, already validated against the field rules.</summary>
public sealed record PlaceOrder(string CustomerId, IReadOnlyList<OrderLine> Items, ShippingAddress ShippingAddress, string PaymentToken)
{
    private static readonly JsonSerializerOptions CanonicalJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// SHA-256 (hex) of the request in one canonical JSON form, so property order and whitespace do not matter: two POSTs with
    /// the same Idempotency-Key are "the same request" exactly when their hashes are equal.
    /// </summary>
    public string CanonicalHash()
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, CanonicalJson);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>
    /// The order id a request with an Idempotency-Key gets: a UUID-shaped (version 8) hash of (customerId, key), so the retry
    /// of a POST lands on the same document and the store's create conflict detects it, with no second partition to keep in step.
    /// </summary>
    public static string OrderIdFor(string customerId, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"orderly.orders.idempotency.v1\n{customerId}\n{idempotencyKey}"));
        Span<byte> bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>A fresh, time-ordered order id for a request without an Idempotency-Key.</summary>
    public static string NewOrderId() => Guid.CreateVersion7().ToString("D");
}
