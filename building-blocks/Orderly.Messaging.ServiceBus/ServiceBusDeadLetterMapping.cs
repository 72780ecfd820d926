using System.Globalization;
using System.Text.Json;
using Azure.Messaging.ServiceBus;

namespace Orderly.Messaging.ServiceBus;

/// <summary>
/// How a message in an entity's <c>$DeadLetterQueue</c> reads as a triage letter, and how its resend is made: the parts of
/// <see cref="ServiceBusDeadLetterQueue"/> that need no namespace, in one place.
/// </summary>
public static class ServiceBusDeadLetterMapping
{
    /// <summary>Marks a resubmitted copy with the subscription it was meant for (a resend to a topic reaches all).</summary>
    public const string ResubmittedForProperty = "orderly-resubmitted-for";

    /// <summary>The application properties in which the broker keeps a dead letter's reason and description.</summary>
    public const string BrokerReasonProperty = "DeadLetterReason";
    public const string BrokerDescriptionProperty = "DeadLetterErrorDescription";

    /// <summary>
    /// Properties a resend must not carry: the broker's dead-letter reason and description (the SDK's copy constructor drops
    /// these two itself; a resend built from a note must too), the copies the settlement stamps, and the backoff attempt and deferral counts.
    /// </summary>
    private static readonly string[] DeadLetterOnlyProperties =
    [
        BrokerReasonProperty, BrokerDescriptionProperty,
        ServiceBusSettlement.ReasonProperty, ServiceBusSettlement.DescriptionProperty, ReceivedMessage.PriorAttemptsProperty,
        ReceivedMessage.DeferralsProperty,
    ];

    /// <summary>A pending dead letter as triage shows it; the broker's reason first, the one the settlement stamped second (#2840).</summary>
    public static DeadLetteredMessage ToDeadLetter(string entity, ServiceBusReceivedMessage m)
    {
        var properties = m.ApplicationProperties.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "");
        var reason = m.DeadLetterReason ?? properties.GetValueOrDefault(ServiceBusSettlement.ReasonProperty) ?? "unknown";
        var description = m.DeadLetterErrorDescription ?? properties.GetValueOrDefault(ServiceBusSettlement.DescriptionProperty) ?? "";
        return new DeadLetteredMessage(
            Id: ServiceBusEntity.DeadLetterId(entity, m.SequenceNumber),
            Entity: entity,
            MessageId: m.MessageId,
            Body: m.Body.ToArray(),
            Properties: properties,
            Reason: reason,
            Description: description,
            DeliveryCount: m.DeliveryCount,
            // Service Bus keeps no dead-lettering time: the enqueue time stands in for both.
            FirstFailureAt: m.EnqueuedTime,
            LastFailureAt: m.EnqueuedTime,
            Status: DeadLetterStatus.Pending,
            Note: null,
            ResubmittedAsMessageId: null);
    }

    /// <summary>The first step of every trail, as the message tells it.</summary>
    public static DeadLetterTrailEntry DeadLettered(DeadLetteredMessage letter) =>
        new(letter.LastFailureAt, DeadLetterAction.DeadLettered, DeadLetterTriage.SystemActor, $"{letter.Reason}: {letter.Description}");

    /// <summary>
    /// Makes <paramref name="copy"/> the resend of <paramref name="letter"/> and says where it goes: under <paramref name="newId"/>,
    /// edited when asked, without the dead-letter properties and naming the original. Service Bus cannot send into one
    /// subscription: a subscription's copy goes to the topic, marked for it, and the other subscriptions' inboxes, which already
    /// hold this envelope id, drop it (so an edit may not change that id, see <see cref="EnsureEdit"/>).
    /// </summary>
    public static string PrepareResend(DeadLetteredMessage letter, ServiceBusMessage copy, string newId, ReadOnlyMemory<byte>? editedBody)
    {
        copy.MessageId = newId;
        if (editedBody is { } body) copy.Body = BinaryData.FromBytes(body);
        foreach (var name in DeadLetterOnlyProperties) copy.ApplicationProperties.Remove(name);
        copy.ApplicationProperties[DeadLetterTriage.OriginalMessageIdProperty] = letter.MessageId;
        if (!ServiceBusEntity.IsSubscription(letter.Entity, out var topic, out var subscription)) return letter.Entity;
        copy.ApplicationProperties[ResubmittedForProperty] = subscription;
        return topic;
    }

    /// <summary>
    /// The port's edit rules, plus one of this adapter: a subscription's edited envelope keeps the original envelope id,
    /// because the copy reaches every subscription of the topic and only that id lets their inboxes drop it.
    /// </summary>
    public static void EnsureEdit(DeadLetteredMessage letter, ReadOnlyMemory<byte>? editedBody)
    {
        DeadLetterTriage.EnsureEdit(letter, editedBody);
        if (editedBody is not { } body || !ServiceBusEntity.IsSubscription(letter.Entity, out _, out _)) return;
        var original = EnvelopeId(letter.Body);
        if (original is not null && EnvelopeId(body) != original)
        {
            throw new DeadLetterEditRejectedException(new DeadLetterEditProblem("id",
                $"A subscription's resubmitted copy reaches every subscription of its topic; the edited envelope must keep id '{original}'."));
        }
    }

    private static string? EnvelopeId(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
