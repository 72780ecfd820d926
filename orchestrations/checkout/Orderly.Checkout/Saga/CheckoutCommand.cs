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
    /// <summary>One id per order, step and attempt, so a late reply to an earlier attempt can never answer a later one.</summary>
    public static string For(string orderId, string step, int attempt) => $"checkout-{orderId}-{step}-{attempt}";
}
