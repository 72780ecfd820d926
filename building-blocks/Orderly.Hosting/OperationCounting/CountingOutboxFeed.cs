using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Hosting.OperationCounting;

/// <summary>
/// An outbox feed that counts what the relay costs in Azure, where it is a Cosmos DB change-feed trigger: each batch of pending
/// records is one change-feed read, one Function execution and one lease checkpoint (a write to the lease container), and
/// each published record is deleted (<c>CosmosOutboxFeed.AcknowledgeAsync</c>: one point delete per record).
/// </summary>
public sealed class CountingOutboxFeed(IOutboxFeed inner, OperationCounts counts) : IOutboxFeed, IPublishingFeed
{
    // A lease document of the change-feed processor: about half a kilobyte (assumption).
    private const int LeaseBytes = 512;

    // When the batch being relayed was read: its execution lasts until it is acknowledged (the relay runs one batch at a time).
    private long _batchReadAt;

    public async Task<IReadOnlyList<PendingOutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var pending = await inner.ReadPendingAsync(max, cancellationToken).ConfigureAwait(false);
        if (pending.Count > 0)
        {
            // Each record read as a 1 KB item (assumption: outbox records are well under 1 KB).
            counts.Add(Operations.CosmosChangeFeedRead, requestUnits: pending.Count * CosmosCharges.Read(1));
            counts.Add(Operations.CosmosLeaseCheckpoint, LeaseBytes, CosmosCharges.Write(LeaseBytes));
            Volatile.Write(ref _batchReadAt, started);
        }
        return pending;
    }

    public async Task AcknowledgeAsync(IReadOnlyList<PendingOutboxRecord> published, CancellationToken cancellationToken = default)
    {
        await inner.AcknowledgeAsync(published, cancellationToken).ConfigureAwait(false);
        Acknowledged(published);
    }

    // Embedded mode publishes and acknowledges in one unit of work: passed through (with the broker itself), counted as the
    // sends and deletes they are in Azure.
    public bool CanPublishTo(IMessagePublisher publisher) =>
        inner is IPublishingFeed publishing && publishing.CanPublishTo(CountingPublisher.Unwrap(publisher));

    public async Task PublishAndAcknowledgeAsync(IMessagePublisher publisher, IReadOnlyList<OutgoingMessage> messages,
        IReadOnlyList<PendingOutboxRecord> records, CancellationToken cancellationToken = default)
    {
        await ((IPublishingFeed)inner).PublishAndAcknowledgeAsync(CountingPublisher.Unwrap(publisher), messages, records, cancellationToken)
            .ConfigureAwait(false);
        (publisher as CountingPublisher)?.Sent(messages);
        Acknowledged(records);
    }

    private void Acknowledged(IReadOnlyList<PendingOutboxRecord> published)
    {
        foreach (var _ in published) counts.Add(Operations.CosmosDelete, requestUnits: CosmosCharges.Write(1));
        if (published.Count > 0) counts.Add(Operations.FunctionChangeFeedTrigger, elapsed: OperationCounts.Since(Volatile.Read(ref _batchReadAt)));
    }

    public Task<IReadOnlyList<StoredDocument>> ReadParkedAsync(int max, CancellationToken cancellationToken = default) =>
        inner.ReadParkedAsync(max, cancellationToken);

    public Task WaitForRecordsAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) =>
        inner.WaitForRecordsAsync(maxWait, cancellationToken);
}
