using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Orderly.Checkout.Saga;

/// <summary>
/// A command the saga asks its step activity to send: everything is decided by the saga (deterministic message id,
/// correlation, causation, trace), so sending it twice is a duplicate the bus and the receiver drop.
/// </summary>
public sealed record CheckoutCommand(
    string MessageId,
    string Destination,
    string Type,
    JsonElement Data,
    string CorrelationId,
    string? CausationId,
    string? TraceParent,
    string ReplyTo);

/// <summary>Deterministic message ids: the reply's causation id names the event the saga waits for.</summary>
public static class CheckoutMessageIds
{
    /// <summary>
    /// One id per order, step and attempt (<c>checkout-order-1-reserve-stock-1</c>), so a late reply to an earlier attempt can
    /// never answer a later one. <paramref name="step"/> is the step's name, which is its command's (<c>ReserveStock</c>).
    /// </summary>
    public static string For(string orderId, string step, int attempt) => $"checkout-{orderId}-{KebabCase(step)}-{attempt}";

    /// <summary>
    /// The step (<c>ReserveStock</c>) a message id of <see cref="For"/> names for <paramref name="orderId"/>; false for any id
    /// that is not one of that order's step ids (another order's, or no checkout id at all).
    /// </summary>
    public static bool TryReadStep(string messageId, string orderId, [NotNullWhen(true)] out string? step)
    {
        step = null;
        var prefix = $"checkout-{orderId}-";
        if (!messageId.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = messageId[prefix.Length..];
        var dash = rest.LastIndexOf('-');
        if (dash <= 0 || !int.TryParse(rest[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt) || attempt < 1)
            return false;
        var words = rest[..dash].Split('-');
        if (words.Any(w => w.Length == 0 || !w.All(char.IsAsciiLetterLower))) return false;
        step = string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        return true;
    }

    private static string KebabCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
