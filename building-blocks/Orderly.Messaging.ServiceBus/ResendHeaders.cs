using Azure.Messaging.ServiceBus;

namespace Orderly.Messaging.ServiceBus;

/// <summary>
/// The system properties of a dead-lettered message that a resend from its note carries. Orderly's entities use neither
/// sessions nor partitions (infra/bicep/modules/servicebus.bicep), so there is no SessionId or PartitionKey to keep.
/// </summary>
public sealed record ResendHeaders(string? ContentType, string? CorrelationId, string? Subject, string? ReplyTo)
{
    /// <summary>The headers of a received (dead-lettered) message.</summary>
    public static ResendHeaders Of(ServiceBusReceivedMessage m) => new(m.ContentType, m.CorrelationId, m.Subject, m.ReplyTo);

    /// <summary>A new message with the letter's original body and application properties and these headers.</summary>
    public ServiceBusMessage ToMessage(DeadLetteredMessage letter)
    {
        var message = new ServiceBusMessage(BinaryData.FromBytes(letter.Body));
        if (ContentType is not null) message.ContentType = ContentType;
        if (CorrelationId is not null) message.CorrelationId = CorrelationId;
        if (Subject is not null) message.Subject = Subject;
        if (ReplyTo is not null) message.ReplyTo = ReplyTo;
        foreach (var (name, value) in letter.Properties) message.ApplicationProperties[name] = value;
        return message;
    }
}
