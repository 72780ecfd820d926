using Orderly.Storage;

namespace Orderly.Outbox;

/// <summary>An outbox record waiting to be published, with its place in the store's commit order.</summary>
public sealed record PendingOutboxRecord(string PartitionKey, string DocumentId, long Sequence, OutboxRecord Record);

/// <summary>
/// Where the relay finds unpublished outbox records of one container. In Azure the Cosmos DB change feed plays this part
/// (the relay is a change-feed trigger); the embedded store reads its own commit log.
/// </summary>
public interface IOutboxFeed
{
    /// <summary>Up to <paramref name="max"/> unpublished records in commit order (so per partition, in the order they were written).</summary>
    Task<IReadOnlyList<PendingOutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Marks records published; a record not acknowledged (a crash after publish) is published again, with the same message id.</summary>
    Task AcknowledgeAsync(IReadOnlyList<PendingOutboxRecord> published, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="max"/> parked records of the container (kind <see cref="ParkedOutboxRecord.Kind"/>), across
    /// partitions, oldest first: what <see cref="ParkedOutbox"/> lists for triage.
    /// </summary>
    Task<IReadOnlyList<StoredDocument>> ReadParkedAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Completes when new records may be pending, or after <paramref name="maxWait"/>.</summary>
    Task WaitForRecordsAsync(TimeSpan maxWait, CancellationToken cancellationToken = default);
}
