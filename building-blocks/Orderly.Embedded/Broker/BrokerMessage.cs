using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>A message as the broker stores it: opaque bytes plus string application properties (the broker never parses the body).</summary>
public sealed record BrokerMessage(
    string Destination,
    string MessageId,
    ReadOnlyMemory<byte> Body,
    IReadOnlyDictionary<string, string> Properties,
    DateTimeOffset? ScheduledFor = null)
{
    /// <summary>Application property naming the CloudEvents type, so tools can filter without parsing bodies.</summary>
    public const string TypeProperty = "type";
    public const string CorrelationIdProperty = "correlation-id";
    public const string TraceParentProperty = "traceparent";

    /// <summary>The wire form of an outgoing envelope: CloudEvents JSON body, message id = envelope id (so resends are duplicates).</summary>
    public static BrokerMessage From(OutgoingMessage message)
    {
        var e = message.Envelope;
        var properties = new Dictionary<string, string>(3, StringComparer.Ordinal)
        {
            [TypeProperty] = e.Type,
            [CorrelationIdProperty] = e.CorrelationId,
        };
        if (e.TraceParent is not null) properties[TraceParentProperty] = e.TraceParent;
        return new BrokerMessage(message.Destination, message.MessageId, EnvelopeJson.Serialize(e), properties, message.ScheduledFor);
    }
}
