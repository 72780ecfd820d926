using System.Text.Json;
using Orderly.Messaging;
using Orderly.Storage;

namespace Orderly.Outbox;

/// <summary>
/// The parked records of one container's outbox, and their triage. The relay parks a record in its own partition, in the
/// batch that removes it from the outbox, so it is either waiting to be published or parked, never both or neither. Triage
/// sees each as a dead letter of the entity <c>outbox:&lt;container&gt;</c>: a resubmit puts it back into the outbox (same
/// message id, so a copy that did reach the bus after all is dropped as a duplicate) in the batch that records the decision;
/// an ignore leaves it with a note. The <see cref="DeadLetterTriage"/> rules hold, checked against the document's ETag.
/// </summary>
public sealed class ParkedOutbox(IDocumentStore store, IOutboxFeed feed, TimeProvider? time = null) : IDeadLetterQueue
{
    /// <summary>How parked records show in triage: the entity is this prefix and the container (= context) name.</summary>
    public const string EntityPrefix = "outbox:";

    /// <summary>The most parked records a list reads; triage is for a handful, not a backlog.</summary>
    public const int MaxScan = 1000;

    /// <summary>The longest reason kept (an exception message can be long).</summary>
    public const int MaxReasonLength = 2000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The triage entity of this outbox, <c>outbox:&lt;container&gt;</c>.</summary>
    public string Entity => EntityPrefix + store.Container;

    /// <summary>The triage id of a parked record: <c>outbox:&lt;container&gt;:&lt;message id&gt;</c>.</summary>
    public string TriageId(string messageId) => Entity + ":" + messageId;

    /// <summary>
    /// Parks <paramref name="pending"/> after <paramref name="attempts"/> failed attempts, <paramref name="reason"/> being the
    /// last error. Throws <see cref="DocumentNotFoundException"/> when the record left the outbox meanwhile (published by another relay).
    /// </summary>
    public async Task ParkAsync(PendingOutboxRecord pending, int attempts, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var id = ParkedOutboxRecord.DocumentId(pending.Record.MessageId);
        var now = _time.GetUtcNow();
        if (reason.Length > MaxReasonLength) reason = reason[..MaxReasonLength];
        var before = await store.ReadAsync(pending.PartitionKey, id, cancellationToken).ConfigureAwait(false);
        var earlier = before?.As<ParkedOutboxRecord>();
        var parked = new ParkedOutboxRecord(pending.Record, attempts, reason, earlier?.FirstParkedAt ?? now, now, DeadLetterStatus.Pending, null,
            [.. earlier?.Trail ?? [], new DeadLetterTrailEntry(now, DeadLetterAction.DeadLettered, DeadLetterTriage.SystemActor, reason)]);
        await store.CommitAsync(new WriteBatch(pending.PartitionKey)
            .Save(id, ParkedOutboxRecord.Kind, parked, before?.ETag)
            .Delete(pending.DocumentId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many parked records wait for a decision (health shows it).</summary>
    public async Task<int> CountAwaitingTriageAsync(CancellationToken cancellationToken = default) =>
        (await ReadAllAsync(cancellationToken).ConfigureAwait(false)).Count(p => p.Parked.Status == DeadLetterStatus.Pending);

    public async Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(string? entity = null, DeadLetterStatus? status = null,
        CancellationToken cancellationToken = default)
    {
        if (entity is not null && !string.Equals(entity, Entity, StringComparison.Ordinal)) return [];
        return (await ReadAllAsync(cancellationToken).ConfigureAwait(false))
            .Select(ToLetter)
            .Where(l => status is null || l.Status == status)
            .OrderBy(l => l.FirstFailureAt)
            .ToList();
    }

    public async Task<DeadLetteredMessage?> ShowAsync(string id, CancellationToken cancellationToken = default) =>
        await FindAsync(id, cancellationToken).ConfigureAwait(false) is { } found ? ToLetter(found) : null;

    public async Task<IReadOnlyList<DeadLetterTrailEntry>> TrailAsync(string id, CancellationToken cancellationToken = default) =>
        await FindAsync(id, cancellationToken).ConfigureAwait(false) is { } found ? found.Parked.Trail : [];

    public async Task<string> ResubmitAsync(string id, string actor, ReadOnlyMemory<byte>? editedBody = null, string? note = null,
        CancellationToken cancellationToken = default)
    {
        DeadLetterTriage.EnsureDecision(actor, note, noteRequired: false);
        var found = await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new DeadLetterNotFoundException(id);
        var letter = ToLetter(found);
        DeadLetterTriage.EnsureCanResubmit(letter);
        DeadLetterTriage.EnsureEdit(letter, editedBody);
        var record = found.Parked.Record;
        var envelope = record.Envelope;
        if (editedBody is { } edited)
        {
            using var json = JsonDocument.Parse(edited);
            // The message id is the envelope id: an edit keeps it, so the bus and the consumers still see one message.
            if (!json.RootElement.TryGetProperty("id", out var editedId) || editedId.ValueKind != JsonValueKind.String
                || editedId.GetString() != record.MessageId)
            {
                throw new DeadLetterEditRejectedException(new DeadLetterEditProblem("id",
                    $"An outbox record is published under its own message id: the edited envelope's id must stay '{record.MessageId}'."));
            }
            envelope = json.RootElement.Clone();
        }
        var now = _time.GetUtcNow();
        var decided = found.Parked with
        {
            Status = DeadLetterStatus.Resubmitted,
            Note = note,
            Trail = [.. found.Parked.Trail, new DeadLetterTrailEntry(now, DeadLetterAction.Resubmitted, actor, note, record.MessageId,
                letter.Body, editedBody)],
        };
        // Back into the outbox as a new record (created now, so the relay's lag counts from the decision).
        var again = record with { Envelope = envelope, CreatedAt = now };
        await DecideAsync(found, letter, new WriteBatch(found.Document.PartitionKey)
            .Replace(found.Document.Id, ParkedOutboxRecord.Kind, decided, found.Document.ETag)
            .Create(OutboxRecord.DocumentId(record.MessageId), OutboxRecord.Kind, again), cancellationToken).ConfigureAwait(false);
        return record.MessageId;
    }

    public async Task MarkIgnoredAsync(string id, string actor, string note, CancellationToken cancellationToken = default)
    {
        DeadLetterTriage.EnsureDecision(actor, note, noteRequired: true);
        var found = await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new DeadLetterNotFoundException(id);
        var letter = ToLetter(found);
        DeadLetterTriage.EnsureCanIgnore(letter);
        var decided = found.Parked with
        {
            Status = DeadLetterStatus.Ignored,
            Note = note,
            Trail = [.. found.Parked.Trail, new DeadLetterTrailEntry(_time.GetUtcNow(), DeadLetterAction.Ignored, actor, note)],
        };
        await DecideAsync(found, letter, new WriteBatch(found.Document.PartitionKey)
            .Replace(found.Document.Id, ParkedOutboxRecord.Kind, decided, found.Document.ETag), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits a decision; one made by someone else since the read (a stale ETag) or a record already back in the outbox is a conflict.</summary>
    private async Task DecideAsync(Found found, DeadLetteredMessage letter, WriteBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await store.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            throw new DeadLetterConflictException(letter, $"Dead letter '{letter.Id}' was decided by someone else meanwhile; look at its trail again.");
        }
        catch (DocumentConflictException)
        {
            throw new DeadLetterConflictException(letter,
                $"Message '{found.Parked.Record.MessageId}' is already waiting in the {store.Container} outbox to be published.");
        }
    }

    private sealed record Found(StoredDocument Document, ParkedOutboxRecord Parked);

    private async Task<IReadOnlyList<Found>> ReadAllAsync(CancellationToken cancellationToken) =>
        (await feed.ReadParkedAsync(MaxScan, cancellationToken).ConfigureAwait(false))
            .Select(d => new Found(d, d.As<ParkedOutboxRecord>()))
            .ToList();

    private async Task<Found?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var prefix = Entity + ":";
        if (id is null || !id.StartsWith(prefix, StringComparison.Ordinal) || id.Length == prefix.Length) return null;
        var documentId = ParkedOutboxRecord.DocumentId(id[prefix.Length..]);
        return (await ReadAllAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(f => f.Document.Id == documentId);
    }

    private DeadLetteredMessage ToLetter(Found found)
    {
        var (document, parked) = (found.Document, found.Parked);
        var record = parked.Record;
        return new DeadLetteredMessage(
            TriageId(record.MessageId), Entity, record.MessageId, JsonSerializer.SerializeToUtf8Bytes(record.Envelope),
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["orderly-source"] = "outbox",
                ["orderly-context"] = store.Container,
                ["orderly-destination"] = record.Destination,
                ["orderly-partition-key"] = document.PartitionKey,
            },
            ParkedOutboxRecord.DeadLetterReason, parked.Reason, parked.Attempts, parked.FirstParkedAt, parked.ParkedAt, parked.Status,
            parked.Note, parked.Status == DeadLetterStatus.Resubmitted ? record.MessageId : null);
    }
}
