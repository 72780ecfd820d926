namespace Orderly.Storage;

/// <summary>
/// The document store port: one container of one context, partitioned; point reads, queries within a partition,
/// paged listings across partitions, and atomic batches within a partition with optimistic concurrency.
/// </summary>
public interface IDocumentStore
{
    /// <summary>The container's name (one per context).</summary>
    string Container { get; }

    /// <summary>Reads one document, or null when there is none.</summary>
    Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken = default);

    /// <summary>Every document of the partition, optionally of one kind, ordered by id.</summary>
    Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string? kind = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the documents of a kind, across partitions unless the listing names one. Pages come in a stable order of
    /// the store's choosing (not by time); a continuation is opaque, URL-safe, and answered with an
    /// <see cref="InvalidContinuationException"/> when it is not one this store handed out.
    /// </summary>
    Task<DocumentPage> ListAsync(DocumentListing listing, CancellationToken cancellationToken = default);

    /// <summary>Commits every write of the batch atomically, or none; throws a <see cref="DocumentStoreException"/> naming the failed write.</summary>
    Task<BatchResult> CommitAsync(WriteBatch batch, CancellationToken cancellationToken = default);
}

/// <summary>Single-document writes as one-write batches.</summary>
public static class DocumentStoreExtensions
{
    public static async Task<string> CreateAsync<T>(this IDocumentStore store, string partitionKey, string id, string kind, T body, CancellationToken ct = default) =>
        (await store.CommitAsync(new WriteBatch(partitionKey).Create(id, kind, body), ct).ConfigureAwait(false)).ETags[0]!;

    public static async Task<string> ReplaceAsync<T>(this IDocumentStore store, string partitionKey, string id, string kind, T body, string ifMatchETag, CancellationToken ct = default) =>
        (await store.CommitAsync(new WriteBatch(partitionKey).Replace(id, kind, body, ifMatchETag), ct).ConfigureAwait(false)).ETags[0]!;

    public static async Task<string> UpsertAsync<T>(this IDocumentStore store, string partitionKey, string id, string kind, T body, CancellationToken ct = default) =>
        (await store.CommitAsync(new WriteBatch(partitionKey).Upsert(id, kind, body), ct).ConfigureAwait(false)).ETags[0]!;

    public static Task DeleteAsync(this IDocumentStore store, string partitionKey, string id, string? ifMatchETag = null, CancellationToken ct = default) =>
        store.CommitAsync(new WriteBatch(partitionKey).Delete(id, ifMatchETag), ct);
}
