using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Orderly.Storage;
using static Orderly.Messaging.ServiceBus.ServiceBusDeadLetterMapping;

namespace Orderly.Messaging.ServiceBus;

/// <summary>
/// Dead-letter triage over Service Bus dead-letter sub-queues. Service Bus keeps a dead letter but cannot keep a triage
/// decision on it, so decisions live in the context's own store (kind <see cref="NoteKind"/>): one note per decided dead
/// letter, holding the letter as it was (body, reason, properties), the headers a resend needs, and the whole trail.
/// Deciding on a pending letter removes it from the sub-queue only after its note is written; an ignored letter that is
/// resubmitted later is sent again from its note. The <see cref="DeadLetterTriage"/> rules are checked on both paths.
/// </summary>
public sealed class ServiceBusDeadLetterQueue(
    ServiceBusSenders senders,
    IDocumentStore notes,
    IReadOnlyList<string> entities,
    ILogger<ServiceBusDeadLetterQueue> logger,
    TimeProvider? time = null) : IDeadLetterQueue
{
    /// <summary>The document kind of triage notes in the context's container.</summary>
    public const string NoteKind = "dead-letter-note";

    /// <summary>The partition that holds every triage note of the context.</summary>
    public const string NotePartition = "dead-letters";

    /// <summary>How many dead letters one list or lookup reads per entity; triage is for a handful, not a backlog.</summary>
    public const int MaxScan = 250;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The document id of a dead letter's triage note (in <see cref="NotePartition"/>).</summary>
    public static string NoteId(string id) => "dlq:" + id;

    public async Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(string? entity = null, DeadLetterStatus? status = null, CancellationToken cancellationToken = default)
    {
        // A sub-queue copy whose note exists (a crash between writing the note and completing the copy) is listed once, as decided.
        var decided = (await notes.QueryAsync(NotePartition, NoteKind, cancellationToken).ConfigureAwait(false))
            .Select(d => ReadNote(d).Letter)
            .ToDictionary(d => d.Id, StringComparer.Ordinal);
        var found = decided.Values.Where(d => (entity is null || d.Entity == entity) && (status is null || d.Status == status)).ToList();
        if (status is null or DeadLetterStatus.Pending)
        {
            IReadOnlyList<string> scope = entity is null ? entities : [entity];
            foreach (var e in scope.Where(entities.Contains))
            {
                foreach (var m in await PeekAllAsync(e, cancellationToken).ConfigureAwait(false))
                {
                    var letter = ToDeadLetter(e, m);
                    if (!decided.ContainsKey(letter.Id)) found.Add(letter);
                }
            }
        }
        return found.OrderBy(d => d.FirstFailureAt).ToList();
    }

    public async Task<DeadLetteredMessage?> ShowAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TryParseKnown(id, out var entity, out var sequence)) return null;
        var note = await notes.ReadAsync(NotePartition, NoteId(id), cancellationToken).ConfigureAwait(false);
        if (note is not null) return ReadNote(note).Letter;
        return await PeekAsync(entity, sequence, cancellationToken).ConfigureAwait(false) is { } peeked ? ToDeadLetter(entity, peeked) : null;
    }

    /// <summary>A decided letter's trail is in its note; a pending one has only its dead-lettering, read from the message.</summary>
    public async Task<IReadOnlyList<DeadLetterTrailEntry>> TrailAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TryParseKnown(id, out var entity, out var sequence)) return [];
        var note = await notes.ReadAsync(NotePartition, NoteId(id), cancellationToken).ConfigureAwait(false);
        if (note is not null) return ReadNote(note).Trail;
        return await PeekAsync(entity, sequence, cancellationToken).ConfigureAwait(false) is { } peeked
            ? [DeadLettered(ToDeadLetter(entity, peeked))]
            : [];
    }

    public async Task<string> ResubmitAsync(string id, string actor, ReadOnlyMemory<byte>? editedBody = null, string? note = null,
        CancellationToken cancellationToken = default)
    {
        DeadLetterTriage.EnsureDecision(actor, note, noteRequired: false);
        if (!TryParseKnown(id, out var entity, out var sequence)) throw new DeadLetterNotFoundException(id);
        // A new MessageId: the old one may still be inside the duplicate-detection window and would be dropped.
        var newId = Guid.CreateVersion7().ToString("N");
        var decided = await SettleAsync(id, entity, sequence, async message =>
        {
            var letter = ToDeadLetter(entity, message);
            DeadLetterTriage.EnsureCanResubmit(letter);
            EnsureEdit(letter, editedBody);
            await SendAsync(letter, new ServiceBusMessage(message), newId, editedBody, cancellationToken).ConfigureAwait(false);
            return new DeadLetterNote(
                letter with { Status = DeadLetterStatus.Resubmitted, Note = note, ResubmittedAsMessageId = newId },
                ResendHeaders.Of(message),
                [DeadLettered(letter), Resubmitted(actor, note, newId, letter.Body, editedBody)]);
        }, cancellationToken).ConfigureAwait(false);
        if (decided is not null) await ResubmitFromNoteAsync(decided, actor, note, newId, editedBody, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Dead letter {Id} resubmitted to {Entity} as {MessageId} by {Actor} (edited: {Edited})",
            id, entity, newId, actor, editedBody is not null);
        return newId;
    }

    public async Task MarkIgnoredAsync(string id, string actor, string note, CancellationToken cancellationToken = default)
    {
        DeadLetterTriage.EnsureDecision(actor, note, noteRequired: true);
        if (!TryParseKnown(id, out var entity, out var sequence)) throw new DeadLetterNotFoundException(id);
        var decided = await SettleAsync(id, entity, sequence, message =>
        {
            var letter = ToDeadLetter(entity, message);
            DeadLetterTriage.EnsureCanIgnore(letter);
            return Task.FromResult(new DeadLetterNote(
                letter with { Status = DeadLetterStatus.Ignored, Note = note },
                ResendHeaders.Of(message),
                [DeadLettered(letter), new DeadLetterTrailEntry(_time.GetUtcNow(), DeadLetterAction.Ignored, actor, note)]));
        }, cancellationToken).ConfigureAwait(false);
        if (decided is not null)
        {
            // A note holds a decision, so this throws: ignoring twice, or after a resubmit, is refused.
            DeadLetterTriage.EnsureCanIgnore(ReadNote(decided).Letter);
            throw new InvalidOperationException($"Dead letter '{id}' has a triage note without a decision.");
        }
        logger.LogInformation("Dead letter {Id} marked ignored by {Actor}: {Note}", id, actor, note);
    }

    /// <summary>
    /// Resubmits an ignored dead letter, whose message left the sub-queue when it was ignored, from its note. The note is
    /// claimed first, at its ETag, so of two operators deciding at once only one gets through and only its copy is sent;
    /// if the send then fails the claim is taken back, so the trail never says a message was sent that was not.
    /// </summary>
    private async Task ResubmitFromNoteAsync(StoredDocument stored, string actor, string? note, string newId, ReadOnlyMemory<byte>? editedBody,
        CancellationToken cancellationToken)
    {
        var before = ReadNote(stored);
        var letter = before.Letter;
        DeadLetterTriage.EnsureCanResubmit(letter);
        EnsureEdit(letter, editedBody);
        var after = before with
        {
            Letter = letter with { Status = DeadLetterStatus.Resubmitted, Note = note, ResubmittedAsMessageId = newId },
            Trail = [.. before.Trail, Resubmitted(actor, note, newId, letter.Body, editedBody)],
        };
        string claimed;
        try
        {
            claimed = await notes.ReplaceAsync(NotePartition, stored.Id, NoteKind, after, stored.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            var now = await notes.ReadAsync(NotePartition, stored.Id, cancellationToken).ConfigureAwait(false);
            throw new DeadLetterConflictException(now is null ? letter : ReadNote(now).Letter,
                $"Dead letter '{letter.Id}' was decided by someone else meanwhile; look at its trail again.");
        }
        try
        {
            await SendAsync(letter, before.Headers.ToMessage(letter), newId, editedBody, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await notes.ReplaceAsync(NotePartition, stored.Id, NoteKind, before, claimed, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DocumentStoreException e)
            {
                logger.LogError(e, "Dead letter {Id}: the resend as {MessageId} failed, and its trail could not be set back; it says resubmitted",
                    letter.Id, newId);
            }
            throw;
        }
    }

    /// <summary>
    /// Locks the dead letter, acts, writes the note, then completes it. Service Bus locks by sequence number only a deferred
    /// message, so a letter is first asked for as deferred; otherwise the sub-queue is received until it is met, and every
    /// other letter locked on the way is deferred, not abandoned: an abandon would add a delivery to a letter nobody decided
    /// on (its count is what triage shows), and a deferred letter is still peeked, listed and, next time, locked at once.
    /// A crash before completing leaves the copy in the sub-queue with its note written; the note wins from then on. Returns
    /// null when settled here, or the letter's note when it had been decided already (then nothing was done).
    /// </summary>
    private async Task<StoredDocument?> SettleAsync(string id, string entity, long sequence,
        Func<ServiceBusReceivedMessage, Task<DeadLetterNote>> act, CancellationToken cancellationToken)
    {
        if (await notes.ReadAsync(NotePartition, NoteId(id), cancellationToken).ConfigureAwait(false) is { } decided) return decided;
        await using var receiver = DeadLetterReceiver(entity);
        var passed = new List<ServiceBusReceivedMessage>();
        try
        {
            var message = await ReceiveDeferredAsync(receiver, sequence, cancellationToken).ConfigureAwait(false);
            while (message is null && passed.Count < MaxScan)
            {
                var batch = await receiver.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0) break;
                foreach (var m in batch)
                {
                    if (m.SequenceNumber == sequence) message = m;
                    else passed.Add(m);
                }
            }
            if (message is not null)
            {
                try
                {
                    return await DecideAsync(receiver, message, id, act, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    passed.Add(message); // not decided: set aside like the others, its delivery count unchanged
                    throw;
                }
            }
        }
        finally
        {
            await SetAsideAsync(receiver, entity, passed).ConfigureAwait(false);
        }
        // Not met: settled by someone else meanwhile (their note says how), or beyond the scan.
        return await notes.ReadAsync(NotePartition, NoteId(id), cancellationToken).ConfigureAwait(false)
            ?? throw new DeadLetterNotFoundException(id);
    }

    /// <summary>Decides on the locked <paramref name="message"/>: writes its note (unless one was written meanwhile), then completes it.</summary>
    private async Task<StoredDocument?> DecideAsync(ServiceBusReceiver receiver, ServiceBusReceivedMessage message, string id,
        Func<ServiceBusReceivedMessage, Task<DeadLetterNote>> act, CancellationToken cancellationToken)
    {
        // Decided since the first look (the decider crashed before completing its copy): the note holds it, drop the copy.
        if (await notes.ReadAsync(NotePartition, NoteId(id), cancellationToken).ConfigureAwait(false) is { } late)
        {
            await receiver.CompleteMessageAsync(message, cancellationToken).ConfigureAwait(false);
            return late;
        }
        var note = await act(message).ConfigureAwait(false);
        try
        {
            await notes.CreateAsync(NotePartition, NoteId(id), NoteKind, note, cancellationToken).ConfigureAwait(false);
        }
        catch (DocumentStoreException e) when (note.Letter.Status == DeadLetterStatus.Resubmitted)
        {
            logger.LogError(e, "Dead letter {Id} was resent as {MessageId} but its note could not be written: it stays pending, and " +
                "resubmitting it again sends a second copy (an unedited one is dropped by the consumers' inboxes)",
                id, note.Letter.ResubmittedAsMessageId);
            throw;
        }
        await receiver.CompleteMessageAsync(message, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The letter at <paramref name="sequence"/> locked, if an earlier decision deferred it; null when it is not deferred.</summary>
    private static async Task<ServiceBusReceivedMessage?> ReceiveDeferredAsync(ServiceBusReceiver receiver, long sequence, CancellationToken cancellationToken)
    {
        try
        {
            return await receiver.ReceiveDeferredMessageAsync(sequence, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessageNotFound)
        {
            return null; // not deferred (or gone): the caller receives until it meets it
        }
    }

    /// <summary>Defers the letters locked but not decided, so they leave the lock with their delivery count as it was.</summary>
    private async Task SetAsideAsync(ServiceBusReceiver receiver, string entity, IEnumerable<ServiceBusReceivedMessage> letters)
    {
        foreach (var letter in letters)
        {
            try
            {
                await receiver.DeferMessageAsync(letter, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (ServiceBusException e)
            {
                logger.LogWarning(e, "Dead letter {SequenceNumber} on {Entity} could not be set aside; its lock expires on its own", letter.SequenceNumber, entity);
            }
        }
    }

    /// <summary>
    /// Every letter of the entity's sub-queue up to <see cref="MaxScan"/>, deferred ones included, page after page: one peek
    /// may hold fewer messages than asked for although more follow, so only an empty page ends the list.
    /// </summary>
    private async Task<List<ServiceBusReceivedMessage>> PeekAllAsync(string entity, CancellationToken cancellationToken)
    {
        await using var receiver = DeadLetterReceiver(entity);
        var all = new List<ServiceBusReceivedMessage>();
        long? from = null;
        while (all.Count < MaxScan)
        {
            var page = await receiver.PeekMessagesAsync(MaxScan - all.Count, from, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0) break;
            all.AddRange(page);
            from = page[^1].SequenceNumber + 1;
        }
        return all;
    }

    /// <summary>Sends the resend of <paramref name="letter"/> (see <see cref="PrepareResend"/>).</summary>
    private async Task SendAsync(DeadLetteredMessage letter, ServiceBusMessage copy, string newId, ReadOnlyMemory<byte>? editedBody,
        CancellationToken cancellationToken)
    {
        var target = PrepareResend(letter, copy, newId, editedBody);
        await senders.For(target).SendMessageAsync(copy, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ServiceBusReceivedMessage?> PeekAsync(string entity, long sequence, CancellationToken cancellationToken)
    {
        await using var receiver = DeadLetterReceiver(entity);
        var peeked = await receiver.PeekMessageAsync(sequence, cancellationToken).ConfigureAwait(false);
        return peeked is not null && peeked.SequenceNumber == sequence ? peeked : null;
    }

    private ServiceBusReceiver DeadLetterReceiver(string entity)
    {
        var options = new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock };
        return ServiceBusEntity.IsSubscription(entity, out var topic, out var subscription)
            ? senders.Client.CreateReceiver(topic, subscription, options)
            : senders.Client.CreateReceiver(entity, options);
    }

    private DeadLetterTrailEntry Resubmitted(string actor, string? note, string newId, ReadOnlyMemory<byte> original, ReadOnlyMemory<byte>? edited) =>
        new(_time.GetUtcNow(), DeadLetterAction.Resubmitted, actor, note, newId, original, edited);

    /// <summary>
    /// A note as stored. Notes written before the trail held only the letter: their trail is the dead-lettering and the one
    /// decision, whose actor and time were not recorded (the dead-lettering time stands in), and a resend carries CloudEvents headers.
    /// </summary>
    private static DeadLetterNote ReadNote(StoredDocument document)
    {
        if (document.Body.TryGetProperty("letter", out _)) return document.As<DeadLetterNote>();
        var letter = document.As<DeadLetteredMessage>();
        var decision = new DeadLetterTrailEntry(letter.LastFailureAt,
            letter.Status == DeadLetterStatus.Resubmitted ? DeadLetterAction.Resubmitted : DeadLetterAction.Ignored,
            "unknown", letter.Note, letter.ResubmittedAsMessageId);
        return new DeadLetterNote(letter,
            new ResendHeaders(ServiceBusMessageMapping.CloudEventsContentType, null, DeadLetterTriage.TypeOf(letter.Body), null),
            [DeadLettered(letter), decision]);
    }

    private bool TryParseKnown(string id, out string entity, out long sequence)
    {
        (entity, sequence) = ("", 0);
        try
        {
            (entity, sequence) = ServiceBusEntity.ParseDeadLetterId(id);
        }
        catch (ArgumentException)
        {
            return false;
        }
        return entities.Contains(entity);
    }
}
