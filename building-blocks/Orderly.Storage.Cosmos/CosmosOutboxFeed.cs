using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Orderly.Outbox;

namespace Orderly.Storage.Cosmos;

/// <summary>
/// Pending outbox records by a cross-partition query, for hosts where no change-feed trigger runs (in Azure the relay is
/// a Cosmos DB trigger and this is not used). Order is by <c>_ts</c> (whole seconds): per partition, records of one second
/// may come in any order. It polls; <see cref="WaitForRecordsAsync"/> simply waits.
/// </summary>
public sealed class CosmosOutboxFeed(Container container) : IOutboxFeed
{
    public async Task<IReadOnlyList<PendingOutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken = default)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind ORDER BY c._ts").WithParameter("@kind", OutboxRecord.Kind);
        var records = new List<PendingOutboxRecord>();
        using var pages = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (pages.HasMoreResults && records.Count < max)
        {
            using var page = await CosmosDocumentStore.Call(() => pages.ReadNextAsync(cancellationToken), "outbox query", cancellationToken).ConfigureAwait(false);
            if (!page.IsSuccessStatusCode)
                throw CosmosStatusMap.ToException(page.StatusCode, "outbox query: " + page.ErrorMessage, null, CosmosStatusMap.RetryAfter(page.Headers));
            using var json = await JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in json.RootElement.GetProperty("Documents").EnumerateArray())
            {
                if (records.Count == max) break;
                var document = CosmosDocument.FromItem(item);
                var ts = item.TryGetProperty("_ts", out var t) ? t.GetInt64() : 0;
                records.Add(new PendingOutboxRecord(document.PartitionKey, document.Id, ts, document.As<OutboxRecord>()));
            }
        }
        return records;
    }

    public async Task AcknowledgeAsync(IReadOnlyList<PendingOutboxRecord> published, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(published);
        foreach (var r in published)
        {
            using var response = await CosmosDocumentStore.Call(
                () => container.DeleteItemStreamAsync(r.DocumentId, new PartitionKey(r.PartitionKey), cancellationToken: cancellationToken),
                "outbox acknowledge", cancellationToken).ConfigureAwait(false);
            // Already gone is fine: another relay acknowledged it.
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                throw CosmosStatusMap.ToException(response.StatusCode, $"delete of outbox record '{r.DocumentId}'", null, CosmosStatusMap.RetryAfter(response.Headers));
        }
    }

    /// <summary>A cross-partition query by kind (triage reads a handful; a relay never calls it).</summary>
    public async Task<IReadOnlyList<StoredDocument>> ReadParkedAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", ParkedOutboxRecord.Kind);
        var documents = new List<StoredDocument>();
        using var pages = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (pages.HasMoreResults && documents.Count < max)
        {
            using var page = await CosmosDocumentStore.Call(() => pages.ReadNextAsync(cancellationToken), "parked outbox query", cancellationToken).ConfigureAwait(false);
            if (!page.IsSuccessStatusCode)
                throw CosmosStatusMap.ToException(page.StatusCode, "parked outbox query: " + page.ErrorMessage, null, CosmosStatusMap.RetryAfter(page.Headers));
            documents.AddRange(await CosmosDocument.FromQueryPageAsync(page.Content, cancellationToken).ConfigureAwait(false));
        }
        return documents.Take(max).ToList();
    }

    public Task WaitForRecordsAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) => Task.Delay(maxWait, cancellationToken);
}
