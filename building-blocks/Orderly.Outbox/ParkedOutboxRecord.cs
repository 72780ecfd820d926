using Orderly.Messaging;

namespace Orderly.Outbox;

/// <summary>
/// An outbox record the relay gave up publishing, set aside in the same partition with why (the last error) and how often it
/// was tried, and, from then on, the triage decisions on it. Parking the same message again (a resubmit that failed too)
/// reopens this document: its trail keeps the whole story.
/// </summary>
public sealed record ParkedOutboxRecord(
    OutboxRecord Record,
    int Attempts,
    string Reason,
    DateTimeOffset FirstParkedAt,
    DateTimeOffset ParkedAt,
    DeadLetterStatus Status,
    string? Note,
    IReadOnlyList<DeadLetterTrailEntry> Trail)
{
    /// <summary>The document kind of parked records (never <see cref="OutboxRecord.Kind"/>: no relay or change feed publishes them).</summary>
    public const string Kind = "outbox-parked";

    /// <summary>The dead-letter reason a parked record shows in triage.</summary>
    public const string DeadLetterReason = "publish-attempts-exceeded";

    /// <summary>The document id of the parked record of a message id.</summary>
    public static string DocumentId(string messageId) => "outbox-parked:" + messageId;
}
