using System.Net;
using Microsoft.Azure.Cosmos;

namespace Orderly.Storage.Cosmos;

/// <summary>
/// The document store on one Cosmos DB container (partition key path <c>/pk</c>). A batch of several writes is one
/// TransactionalBatch (atomic within the partition; Cosmos DB allows at most 100 operations and 2 MB); a single write uses
/// the plain item API. Every failure goes through <see cref="CosmosStatusMap"/>.
/// </summary>
public sealed class CosmosDocumentStore(Container container) : IDocumentStore
{
    /// <summary>The most operations Cosmos DB accepts in one transactional batch.</summary>
    public const int MaxWritesPerBatch = 100;

    public string Container => container.Id;

    public async Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        using var response = await Call(() => container.ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken),
            $"read of '{id}'", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        ThrowIfFailed(response, $"read of '{id}' in partition '{partitionKey}'");
        return await CosmosDocument.FromStreamAsync(response.Content, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string? kind = null, CancellationToken cancellationToken = default)
    {
        var query = kind is null
            ? new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk").WithParameter("@pk", partitionKey)
            : new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.kind = @kind").WithParameter("@pk", partitionKey).WithParameter("@kind", kind);
        var documents = new List<StoredDocument>();
        using var pages = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey) });
        while (pages.HasMoreResults)
        {
            using var page = await Call(() => pages.ReadNextAsync(cancellationToken), "query", cancellationToken).ConfigureAwait(false);
            ThrowIfFailed(page, $"query of partition '{partitionKey}'");
            documents.AddRange(await CosmosDocument.FromQueryPageAsync(page.Content, cancellationToken).ConfigureAwait(false));
        }
        // Sorted here rather than with ORDER BY: a single-partition query, and no dependence on the container's index policy.
        documents.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return documents;
    }

    /// <summary>
    /// A query by kind (and body fields), single-partition when the listing names one. Cosmos DB may answer fewer items than
    /// asked for with more to come, so pages are read until the listing's page is full; the SDK's continuation token is
    /// handed out base64url-encoded, so it travels in a URL as it is.
    /// </summary>
    public async Task<DocumentPage> ListAsync(DocumentListing listing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var text = new System.Text.StringBuilder("SELECT * FROM c WHERE c.kind = @kind");
        if (listing.PartitionKey is not null) text.Append(" AND c.pk = @pk");
        for (var i = 0; i < listing.Where.Count; i++) text.Append(" AND c.body.").Append(listing.Where[i].Field).Append(" = @where").Append(i);
        var query = new QueryDefinition(text.ToString()).WithParameter("@kind", listing.Kind);
        if (listing.PartitionKey is not null) query = query.WithParameter("@pk", listing.PartitionKey);
        for (var i = 0; i < listing.Where.Count; i++) query = query.WithParameter("@where" + i, listing.Where[i].Value);

        var token = listing.Continuation is { } continuation ? CosmosContinuation.Decode(continuation) : null;
        var documents = new List<StoredDocument>();
        do
        {
            var options = new QueryRequestOptions { MaxItemCount = listing.PageSize - documents.Count };
            if (listing.PartitionKey is not null) options.PartitionKey = new PartitionKey(listing.PartitionKey);
            using var pages = container.GetItemQueryStreamIterator(query, token, options);
            if (!pages.HasMoreResults)
            {
                token = null;
                break;
            }
            using var page = await Call(() => pages.ReadNextAsync(cancellationToken), "listing query", cancellationToken).ConfigureAwait(false);
            // The SDK answers a token it cannot parse (MalformedContinuationTokenException) as a 400 response on the stream API.
            if (page.StatusCode == HttpStatusCode.BadRequest && token is not null)
                throw new InvalidContinuationException($"Cosmos DB refused the continuation: {page.ErrorMessage}");
            ThrowIfFailed(page, $"listing of '{listing.Kind}'");
            documents.AddRange(await CosmosDocument.FromQueryPageAsync(page.Content, cancellationToken).ConfigureAwait(false));
            token = page.ContinuationToken;
        }
        while (token is not null && documents.Count < listing.PageSize);
        return new DocumentPage(documents, token is null ? null : CosmosContinuation.Encode(token));
    }

    public Task<BatchResult> CommitAsync(WriteBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Writes.Count > MaxWritesPerBatch)
            throw new InvalidOperationException($"A batch holds at most {MaxWritesPerBatch} writes (Cosmos DB's transactional batch limit); this one has {batch.Writes.Count}.");
        return batch.Writes.Count switch
        {
            0 => Task.FromResult(new BatchResult([])),
            1 => CommitOneAsync(batch.PartitionKey, batch.Writes[0], cancellationToken),
            _ => CommitTransactionAsync(batch, cancellationToken),
        };
    }

    private async Task<BatchResult> CommitOneAsync(string partitionKey, DocumentWrite write, CancellationToken ct)
    {
        var pk = new PartitionKey(partitionKey);
        // A new options object per call: the SDK may annotate request options, so they are not shared between requests.
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = write.IfMatchETag };
        using var item = write.Kind == WriteKind.Delete ? null : CosmosDocument.ToItem(partitionKey, write);
        var what = $"{write.Kind} of '{write.Id}' in partition '{partitionKey}'";
        using var response = await Call(() => write.Kind switch
        {
            WriteKind.Create => container.CreateItemStreamAsync(item!, pk, options, ct),
            WriteKind.Replace => container.ReplaceItemStreamAsync(item!, write.Id, pk, options, ct),
            WriteKind.Upsert => container.UpsertItemStreamAsync(item!, pk, options, ct),
            _ => container.DeleteItemStreamAsync(write.Id, pk, options, ct),
        }, what, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw CosmosStatusMap.ToException(response.StatusCode, what + ": " + response.ErrorMessage, 0, CosmosStatusMap.RetryAfter(response.Headers));
        return new BatchResult([write.Kind == WriteKind.Delete ? null : response.Headers.ETag]);
    }

    private async Task<BatchResult> CommitTransactionAsync(WriteBatch batch, CancellationToken ct)
    {
        var transaction = container.CreateTransactionalBatch(new PartitionKey(batch.PartitionKey));
        var streams = new List<MemoryStream>();
        try
        {
            foreach (var w in batch.Writes)
            {
                var options = new TransactionalBatchItemRequestOptions { IfMatchEtag = w.IfMatchETag };
                if (w.Kind == WriteKind.Delete)
                {
                    transaction.DeleteItem(w.Id, options);
                    continue;
                }
                var item = CosmosDocument.ToItem(batch.PartitionKey, w);
                streams.Add(item);
                _ = w.Kind switch
                {
                    WriteKind.Create => transaction.CreateItemStream(item, options),
                    WriteKind.Replace => transaction.ReplaceItemStream(w.Id, item, options),
                    _ => transaction.UpsertItemStream(item, options),
                };
            }

            var what = $"a batch of {batch.Writes.Count} writes in partition '{batch.PartitionKey}'";
            using var response = await Call(() => transaction.ExecuteAsync(ct), what, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var statuses = Enumerable.Range(0, response.Count).Select(i => response[i].StatusCode).ToList();
                var failed = CosmosStatusMap.FailingOperation(statuses);
                if (failed < 0)
                    throw CosmosStatusMap.ToException(response.StatusCode, what + ": " + response.ErrorMessage, null, response.RetryAfter);
                var w = batch.Writes[failed];
                throw CosmosStatusMap.ToException(response[failed].StatusCode,
                    $"{w.Kind} of '{w.Id}' (write {failed} of {what})", failed, response[failed].RetryAfter > TimeSpan.Zero ? response[failed].RetryAfter : response.RetryAfter);
            }
            var etags = new string?[batch.Writes.Count];
            for (var i = 0; i < etags.Length; i++)
                etags[i] = batch.Writes[i].Kind == WriteKind.Delete ? null : response[i].ETag;
            return new BatchResult(etags);
        }
        finally
        {
            foreach (var s in streams) await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs an SDK call; the stream APIs answer most failures with a status, but a transport failure or an SDK timeout
    /// still throws, and is mapped here the same way.
    /// </summary>
    internal static async Task<T> Call<T>(Func<Task<T>> call, string what, CancellationToken ct)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CosmosException ex)
        {
            throw CosmosStatusMap.ToException(ex.StatusCode, what, null, ex.RetryAfter, ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw CosmosStatusMap.ToException(HttpStatusCode.RequestTimeout, what, null, null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw CosmosStatusMap.ToException(HttpStatusCode.ServiceUnavailable, what, null, null, ex);
        }
    }

    private static void ThrowIfFailed(ResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw CosmosStatusMap.ToException(response.StatusCode, what + ": " + response.ErrorMessage, null, CosmosStatusMap.RetryAfter(response.Headers));
    }
}
