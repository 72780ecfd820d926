using Azure.Messaging.ServiceBus;
using Orderly.Contracts;
using Orderly.Contracts.Payments;

namespace Orderly.Messaging.ServiceBus.Tests;

/// <summary>Envelopes and received messages for the tests; a received message is always made by the SDK's own model factory.</summary>
internal static class Messages
{
    public const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    public static Envelope Command(string? traceParent = TraceParent, string? replyTo = Destinations.CheckoutReplies) =>
        EnvelopeJson.Create(new AuthorizePayment("order-1", new Money(42.50m, "EUR"), "tok_visa_4242"),
            id: "0199f0c0aa5b7d3c8e1f2a3b4c5d6e7f", source: "/orderly/checkout",
            time: new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero), correlationId: "order-1",
            causationId: "cause-1", traceParent: traceParent, replyTo: replyTo, subject: "order-1");

    /// <summary>What the broker would deliver for <paramref name="sent"/>: its body, headers and application properties.</summary>
    public static ServiceBusReceivedMessage Delivered(ServiceBusMessage sent, int deliveryCount = 1, long sequenceNumber = 7,
        DateTimeOffset? enqueuedTime = null) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: sent.Body,
            messageId: sent.MessageId,
            correlationId: sent.CorrelationId,
            subject: sent.Subject,
            contentType: sent.ContentType,
            replyTo: sent.ReplyTo,
            properties: new Dictionary<string, object>(sent.ApplicationProperties),
            deliveryCount: deliveryCount,
            sequenceNumber: sequenceNumber,
            enqueuedTime: enqueuedTime ?? new DateTimeOffset(2026, 11, 22, 8, 0, 1, TimeSpan.Zero));

    /// <summary>A message as it sits in a dead-letter queue: the broker keeps its reason and description as application properties.</summary>
    public static ServiceBusReceivedMessage DeadLettered(ServiceBusMessage sent, string? reason, string? description,
        IDictionary<string, object>? stamped = null, long sequenceNumber = 7)
    {
        var properties = new Dictionary<string, object>(sent.ApplicationProperties);
        if (reason is not null) properties[ServiceBusDeadLetterMapping.BrokerReasonProperty] = reason;
        if (description is not null) properties[ServiceBusDeadLetterMapping.BrokerDescriptionProperty] = description;
        foreach (var (name, value) in stamped ?? new Dictionary<string, object>()) properties[name] = value;
        return ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: sent.Body, messageId: sent.MessageId, correlationId: sent.CorrelationId, subject: sent.Subject,
            contentType: sent.ContentType, replyTo: sent.ReplyTo, properties: properties, deliveryCount: 10,
            sequenceNumber: sequenceNumber, enqueuedTime: new DateTimeOffset(2026, 11, 22, 8, 5, 0, TimeSpan.Zero));
    }
}
