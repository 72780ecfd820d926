namespace Orderly.Messaging;

/// <summary>Where a dead-lettered message stands in triage.</summary>
public enum DeadLetterStatus
{
    /// <summary>Waiting for someone to look at it.</summary>
    Pending,
    /// <summary>Sent again to its original entity (possibly edited).</summary>
    Resubmitted,
    /// <summary>Looked at and deliberately left, with a note.</summary>
    Ignored,
}

/// <summary>
/// A dead-lettered message with everything needed to decide what to do with it. <see cref="Note"/> is the note of the
/// latest decision; <see cref="IDeadLetterQueue.TrailAsync"/> has every one.
/// </summary>
public sealed record DeadLetteredMessage(
    string Id,
    string Entity,
    string MessageId,
    ReadOnlyMemory<byte> Body,
    IReadOnlyDictionary<string, string> Properties,
    string Reason,
    string Description,
    int DeliveryCount,
    DateTimeOffset FirstFailureAt,
    DateTimeOffset LastFailureAt,
    DeadLetterStatus Status,
    string? Note,
    string? ResubmittedAsMessageId);

/// <summary>What was done to a dead letter.</summary>
public enum DeadLetterAction
{
    /// <summary>The consumer or the broker put it in the dead-letter queue (by <see cref="DeadLetterTriage.SystemActor"/>, the reason as the note).</summary>
    DeadLettered,
    /// <summary>Sent again to its entity, as it was or edited.</summary>
    Resubmitted,
    /// <summary>Left on purpose, with a note saying why.</summary>
    Ignored,
}

/// <summary>
/// One step of a dead letter's trail, written once and never changed: who (the caller's subject), when, what, and why.
/// A resubmit also keeps the body as it was dead-lettered and, when the operator edited it, the body that was sent instead.
/// </summary>
public sealed record DeadLetterTrailEntry(
    DateTimeOffset At,
    DeadLetterAction Action,
    string Actor,
    string? Note,
    string? ResubmittedAsMessageId = null,
    ReadOnlyMemory<byte>? OriginalBody = null,
    ReadOnlyMemory<byte>? EditedBody = null);

/// <summary>
/// Dead-letter triage: list, show with its trail, resubmit after a fix, or mark ignored. Nothing is deleted, and every
/// decision names its actor. Every adapter enforces <see cref="DeadLetterTriage"/>'s rules in the same unit that records the decision.
/// </summary>
public interface IDeadLetterQueue
{
    /// <summary>Dead letters of one entity (or of all when null), oldest first.</summary>
    Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(string? entity = null, DeadLetterStatus? status = null, CancellationToken cancellationToken = default);

    /// <summary>One dead letter, or null.</summary>
    Task<DeadLetteredMessage?> ShowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The dead letter's trail, oldest first: its dead-lettering, then every resubmit and ignore. Empty for an unknown id.</summary>
    Task<IReadOnlyList<DeadLetterTrailEntry>> TrailAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the message again to its original entity, with <paramref name="editedBody"/> (a whole envelope) when given, under a
    /// new message id (the old one would be dropped by duplicate detection); returns that id. <paramref name="actor"/> and
    /// <paramref name="note"/> go into the trail. Throws <see cref="DeadLetterNotFoundException"/>,
    /// <see cref="DeadLetterConflictException"/> (already resubmitted) or <see cref="DeadLetterEditRejectedException"/>.
    /// </summary>
    Task<string> ResubmitAsync(string id, string actor, ReadOnlyMemory<byte>? editedBody = null, string? note = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a pending dead letter as looked at and left, with a note saying why. Throws <see cref="DeadLetterNotFoundException"/>
    /// or <see cref="DeadLetterConflictException"/> (already ignored or resubmitted: a note is never silently replaced).
    /// </summary>
    Task MarkIgnoredAsync(string id, string actor, string note, CancellationToken cancellationToken = default);
}
