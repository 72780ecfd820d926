using System.Text.Json;

namespace Orderly.Contracts;

/// <summary>
/// A CloudEvents 1.0 message as it travels on the bus: context attributes plus the JSON data.
/// Extension attributes carry the correlation id, causation id, W3C traceparent and, for commands, reply-to.
/// </summary>
public sealed record Envelope
{
    public const string SpecVersion = "1.0";

    /// <summary>Unique per message; the bus deduplicates on it and the inbox records it.</summary>
    public required string Id { get; init; }

    /// <summary>Versioned type name, e.g. <c>orderly.orders.order-placed.v1</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The producing context, e.g. <c>/orderly/orders</c>.</summary>
    public required string Source { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>The aggregate the message is about (the order id for the checkout).</summary>
    public string? Subject { get; init; }

    /// <summary>The id shared by every message of one business flow (the order id for the checkout).</summary>
    public required string CorrelationId { get; init; }

    /// <summary>The id of the message that caused this one.</summary>
    public string? CausationId { get; init; }

    /// <summary>W3C trace context of the call chain (<c>00-traceid-spanid-flags</c>).</summary>
    public string? TraceParent { get; init; }

    /// <summary>For commands: the queue the reply goes to.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>The message body, a contract of the catalog.</summary>
    public required JsonElement Data { get; init; }
}
