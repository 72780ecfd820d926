using System.Security.Cryptography;
using System.Text;

namespace Orderly.Notifications.Domain;

/// <summary>
/// An email to a customer about one order. <see cref="NotificationId"/> is derived from (order, kind), so every delivery of the
/// same event composes the same id: it is the record's id here and the provider's idempotency key for a real sender.
/// </summary>
public sealed record EmailMessage(string NotificationId, string CustomerId, string OrderId, string Kind, string Subject, string Body)
{
    /// <summary>The notification id of (order, kind): a UUID-shaped (version 8) hash, stable across redeliveries.</summary>
    public static string NotificationIdFor(string orderId, string kind)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"orderly.notifications.v1\n{orderId}\n{kind}"));
        Span<byte> bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
