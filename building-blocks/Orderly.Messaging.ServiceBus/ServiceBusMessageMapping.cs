using Azure.Messaging.ServiceBus;
using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Messaging.ServiceBus;

/// <summary>Maps between the bus port's messages and Service Bus messages, in one place.</summary>
public static class ServiceBusMessageMapping
{
    /// <summary>CloudEvents structured mode: the whole envelope is the body.</summary>
    public const string CloudEventsContentType = "application/cloudevents+json";

    /// <summary>The W3C trace context property; the SDK reads it on receive and never overwrites one already set.</summary>
    public const string TraceParentProperty = "traceparent";

    /// <summary>
    /// The Service Bus message for an outgoing message. MessageId is the envelope id (= the outbox record's message id),
    /// never a new Guid, so a relay that publishes a record twice is deduplicated by the broker.
    /// </summary>
    public static ServiceBusMessage ToServiceBusMessage(this OutgoingMessage message)
    {
        var envelope = message.Envelope;
        var sbMessage = new ServiceBusMessage(BinaryData.FromBytes(EnvelopeJson.Serialize(envelope)))
        {
            MessageId = message.MessageId,
            CorrelationId = envelope.CorrelationId,
            Subject = envelope.Type,
            ContentType = CloudEventsContentType,
        };
        if (envelope.ReplyTo is not null) sbMessage.ReplyTo = envelope.ReplyTo;
        if (envelope.TraceParent is not null) sbMessage.ApplicationProperties[TraceParentProperty] = envelope.TraceParent;
        if (message.ScheduledFor is { } at) sbMessage.ScheduledEnqueueTime = at;
        return sbMessage;
    }

    /// <summary>The port's view of a delivered message: raw body (the pipeline parses it), counts and string properties.</summary>
    public static ReceivedMessage ToReceivedMessage(this ServiceBusReceivedMessage message, string entity) =>
        new(message.MessageId,
            message.Body.ToMemory(),
            entity,
            message.DeliveryCount,
            message.EnqueuedTime,
            message.ApplicationProperties.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));

}
