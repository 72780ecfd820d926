using System.Text.Json;

namespace Orderly.Storage;

/// <summary>What one write in a batch does.</summary>
public enum WriteKind
{
    /// <summary>Insert; fails with <see cref="DocumentConflictException"/> when the id exists.</summary>
    Create,
    /// <summary>Overwrite an existing document whose ETag still matches; a stale ETag fails, never overwrites.</summary>
    Replace,
    /// <summary>Insert or overwrite without a version check (only for documents no two writers race on).</summary>
    Upsert,
    /// <summary>Remove; with an ETag, only if it still matches.</summary>
    Delete,
}

/// <summary>One write of a batch.</summary>
public sealed record DocumentWrite(WriteKind Kind, string Id, string? DocumentKind, JsonElement? Body, string? IfMatchETag, int? TimeToLiveSeconds);

/// <summary>
/// Writes to one partition that commit together or not at all (an aggregate and its outbox records, plus the inbox record).
/// </summary>
public sealed class WriteBatch(string partitionKey)
{
    private readonly List<DocumentWrite> _writes = [];

    public string PartitionKey { get; } = partitionKey;

    public IReadOnlyList<DocumentWrite> Writes => _writes;

    public bool IsEmpty => _writes.Count == 0;

    /// <summary>Inserts a document; the batch fails if the id exists.</summary>
    public WriteBatch Create<T>(string id, string kind, T body, int? timeToLiveSeconds = null) =>
        Add(new DocumentWrite(WriteKind.Create, id, kind, DocumentJson.ToBody(body), null, timeToLiveSeconds));

    /// <summary>Overwrites a document read at <paramref name="ifMatchETag"/>; the batch fails if someone wrote it since.</summary>
    public WriteBatch Replace<T>(string id, string kind, T body, string ifMatchETag) =>
        Add(new DocumentWrite(WriteKind.Replace, id, kind, DocumentJson.ToBody(body), ifMatchETag ?? throw new ArgumentNullException(nameof(ifMatchETag)), null));

    /// <summary>Creates the document when <paramref name="etag"/> is null (never read), else replaces it at that ETag.</summary>
    public WriteBatch Save<T>(string id, string kind, T body, string? etag) =>
        etag is null ? Create(id, kind, body) : Replace(id, kind, body, etag);

    /// <summary>Inserts or overwrites with no version check.</summary>
    public WriteBatch Upsert<T>(string id, string kind, T body, int? timeToLiveSeconds = null) =>
        Add(new DocumentWrite(WriteKind.Upsert, id, kind, DocumentJson.ToBody(body), null, timeToLiveSeconds));

    /// <summary>Removes a document (only if it still has <paramref name="ifMatchETag"/>, when given).</summary>
    public WriteBatch Delete(string id, string? ifMatchETag = null) =>
        Add(new DocumentWrite(WriteKind.Delete, id, null, null, ifMatchETag, null));

    private WriteBatch Add(DocumentWrite write)
    {
        ArgumentException.ThrowIfNullOrEmpty(write.Id);
        if (_writes.Any(w => w.Id == write.Id))
            throw new InvalidOperationException($"The batch already writes document '{write.Id}'.");
        _writes.Add(write);
        return this;
    }
}

/// <summary>The outcome of a committed batch: the new ETag of each write, in order (null for a delete).</summary>
public sealed record BatchResult(IReadOnlyList<string?> ETags);
