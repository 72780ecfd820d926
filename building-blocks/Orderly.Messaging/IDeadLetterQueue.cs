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

/// <summary>A dead-lettered message with everything needed to decide what to do with it.</summary>
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

/// <summary>Dead-letter triage: list, show, resubmit after a fix, or mark ignored. Nothing is deleted without a trace.</summary>
public interface IDeadLetterQueue
{
    /// <summary>Dead letters of one entity (or of all when null), oldest first.</summary>
    Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(string? entity = null, DeadLetterStatus? status = null, CancellationToken cancellationToken = default);

    /// <summary>One dead letter, or null.</summary>
    Task<DeadLetteredMessage?> ShowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the message again to its original entity, with <paramref name="editedBody"/> when given, under a new message id
    /// (the old one would be dropped by duplicate detection); returns that id.
    /// </summary>
    Task<string> ResubmitAsync(string id, ReadOnlyMemory<byte>? editedBody = null, CancellationToken cancellationToken = default);

    /// <summary>Marks the dead letter as looked at and left, with a note saying why.</summary>
    Task MarkIgnoredAsync(string id, string note, CancellationToken cancellationToken = default);
}
