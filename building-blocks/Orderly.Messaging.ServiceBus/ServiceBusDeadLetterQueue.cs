using System.Globalization;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Orderly.Storage;

namespace Orderly.Messaging.ServiceBus;

/// <summary>
/// Dead-letter triage over Service Bus dead-letter sub-queues. Service Bus keeps a dead letter but cannot keep a
/// triage decision on it, so decisions live in the context's own store (kind <see cref="NoteKind"/>): resubmitting or
/// ignoring removes the message from the sub-queue only after a note holding its body, reason and outcome is written.
/// </summary>
public sealed class ServiceBusDeadLetterQueue(
    ServiceBusSenders senders,
    IDocumentStore notes,
    IReadOnlyList<string> entities,
    ILogger<ServiceBusDeadLetterQueue> logger) : IDeadLetterQueue
{
    /// <summary>The document kind and partition of triage notes in the context's container.</summary>
    public const string NoteKind = "dead-letter-note";
    public const string NotePartition = "dead-letters";

    /// <summary>How many dead letters one list or lookup reads per entity; triage is for a handful, not a backlog.</summary>
    public const int MaxScan = 250;

    /// <summary>Marks a resubmitted copy with the subscription it was meant for (a resend to a topic reaches all).</summary>
    public const string ResubmittedForProperty = "orderly-resubmitted-for";

    public async Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(string? entity = null, DeadLetterStatus? status = null, CancellationToken cancellationToken = default)
    {
        var found = new List<DeadLetteredMessage>();
        if (status is null or DeadLetterStatus.Pending)
        {
            IReadOnlyList<string> scope = entity is null ? entities : [entity];
            foreach (var e in scope)
            {
                await using var receiver = DeadLetterReceiver(e);
                foreach (var m in await receiver.PeekMessagesAsync(MaxScan, cancellationToken: cancellationToken).ConfigureAwait(false))
                    found.Add(ToDeadLetter(e, m));
            }
        }
        if (status is null or DeadLetterStatus.Resubmitted or DeadLetterStatus.Ignored)
        {
            var decided = await notes.QueryAsync(NotePartition, NoteKind, cancellationToken).ConfigureAwait(false);
            found.AddRange(decided.Select(d => d.As<DeadLetteredMessage>())
                .Where(d => (entity is null || d.Entity == entity) && (status is null || d.Status == status)));
        }
        return found.OrderBy(d => d.FirstFailureAt).ToList();
    }

    public async Task<DeadLetteredMessage?> ShowAsync(string id, CancellationToken cancellationToken = default)
    {
        var note = await notes.ReadAsync(NotePartition, NoteId(id), cancellationToken).ConfigureAwait(false);
        if (note is not null) return note.As<DeadLetteredMessage>();
        var (entity, sequence) = ParseId(id);
        await using var receiver = DeadLetterReceiver(entity);
        var peeked = await receiver.PeekMessageAsync(sequence, cancellationToken).ConfigureAwait(false);
        return peeked is not null && peeked.SequenceNumber == sequence ? ToDeadLetter(entity, peeked) : null;
    }

    public async Task<string> ResubmitAsync(string id, ReadOnlyMemory<byte>? editedBody = null, CancellationToken cancellationToken = default)
    {
        var (entity, _) = ParseId(id);
        var newId = Guid.CreateVersion7().ToString("N");
        await SettleAsync(id, async (receiver, message) =>
        {
            // A new MessageId: the old one may still be inside the duplicate-detection window and would be dropped.
            var copy = new ServiceBusMessage(message) { MessageId = newId };
            if (editedBody is { } body) copy.Body = BinaryData.FromBytes(body);
            copy.ApplicationProperties.Remove(ServiceBusSettlement.ReasonProperty);
            copy.ApplicationProperties.Remove(ServiceBusSettlement.DescriptionProperty);
            copy.ApplicationProperties.Remove(Orderly.Messaging.ReceivedMessage.PriorAttemptsProperty);
            var target = entity;
            if (ServiceBusEntity.IsSubscription(entity, out var topic, out var subscription))
            {
                // Service Bus cannot send into one subscription: the copy goes to the topic, and the other subscriptions'
                // inboxes, which already hold this envelope id, drop it.
                target = topic;
                copy.ApplicationProperties[ResubmittedForProperty] = subscription;
            }
            await senders.For(target).SendMessageAsync(copy, cancellationToken).ConfigureAwait(false);
            return ToDeadLetter(entity, message) with { Status = DeadLetterStatus.Resubmitted, ResubmittedAsMessageId = newId, Body = copy.Body.ToArray() };
        }, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Dead letter {Id} resubmitted to {Entity} as {MessageId}", id, entity, newId);
        return newId;
    }

    public async Task MarkIgnoredAsync(string id, string note, CancellationToken cancellationToken = default)
    {
        await SettleAsync(id, (_, message) =>
            Task.FromResult(ToDeadLetter(ParseId(id).Entity, message) with { Status = DeadLetterStatus.Ignored, Note = note }), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Dead letter {Id} marked ignored: {Note}", id, note);
    }

    /// <summary>
    /// Receives the dead letter under a lock (Service Bus cannot lock by sequence number, so it receives until it meets
    /// it, abandoning the others), acts, writes the note, then completes it. A crash before completing leaves it pending.
    /// </summary>
    private async Task SettleAsync(string id, Func<ServiceBusReceiver, ServiceBusReceivedMessage, Task<DeadLetteredMessage>> act, CancellationToken cancellationToken)
    {
        var (entity, sequence) = ParseId(id);
        await using var receiver = DeadLetterReceiver(entity);
        var passed = new List<ServiceBusReceivedMessage>();
        try
        {
            while (passed.Count < MaxScan)
            {
                var batch = await receiver.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0) break;
                foreach (var message in batch)
                {
                    if (message.SequenceNumber != sequence)
                    {
                        passed.Add(message);
                        continue;
                    }
                    var outcome = await act(receiver, message).ConfigureAwait(false);
                    await notes.UpsertAsync(NotePartition, NoteId(id), NoteKind, outcome, cancellationToken).ConfigureAwait(false);
                    await receiver.CompleteMessageAsync(message, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }
        finally
        {
            foreach (var other in passed) await receiver.AbandonMessageAsync(other, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        throw new KeyNotFoundException($"Dead letter {id} is not in {entity}'s dead-letter queue (already settled, or beyond the first {MaxScan}).");
    }

    private ServiceBusReceiver DeadLetterReceiver(string entity)
    {
        var options = new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock };
        return ServiceBusEntity.IsSubscription(entity, out var topic, out var subscription)
            ? senders.Client.CreateReceiver(topic, subscription, options)
            : senders.Client.CreateReceiver(entity, options);
    }

    private static DeadLetteredMessage ToDeadLetter(string entity, ServiceBusReceivedMessage m)
    {
        var properties = m.ApplicationProperties.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "");
        // Prefer the broker's reason; fall back to the copy the settlement stamped as a property (#2840).
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
            FirstFailureAt: m.EnqueuedTime,
            LastFailureAt: m.EnqueuedTime,
            Status: DeadLetterStatus.Pending,
            Note: null,
            ResubmittedAsMessageId: null);
    }

    private static string NoteId(string id) => "dlq:" + id;

    private static (string Entity, long Sequence) ParseId(string id) => ServiceBusEntity.ParseDeadLetterId(id);
}
