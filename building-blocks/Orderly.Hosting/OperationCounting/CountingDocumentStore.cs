using System.Runtime.InteropServices;
using System.Text.Json;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Hosting.OperationCounting;

/// <summary>
/// A document store that counts each call as the Cosmos DB request it is in Azure (point read, query, create, replace, upsert,
/// delete, transactional batch), with the item sizes and the published request units (<see cref="CosmosCharges"/>), then
/// passes it on unchanged. A call that fails is counted too: Cosmos DB charges for a rejected write.
/// </summary>
public sealed class CountingDocumentStore(IDocumentStore inner, OperationCounts counts) : IDocumentStore, ICompletingStore
{
    public string Container => inner.Container;

    public async Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        var document = await inner.ReadAsync(partitionKey, id, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            counts.Add(Operations.CosmosPointReadMiss, requestUnits: CosmosCharges.ReadMiss);
            return null;
        }
        var bytes = BytesOf(document);
        counts.Add(Operations.CosmosPointRead, bytes, CosmosCharges.Read(bytes));
        return document;
    }

    public async Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string? kind = null, CancellationToken cancellationToken = default)
    {
        var documents = await inner.QueryAsync(partitionKey, kind, cancellationToken).ConfigureAwait(false);
        CountQuery(documents);
        return documents;
    }

    // A page of a listing is one query request in Azure (cross-partition fan-out aside), charged like QueryAsync.
    public async Task<DocumentPage> ListAsync(DocumentListing listing, CancellationToken cancellationToken = default)
    {
        var page = await inner.ListAsync(listing, cancellationToken).ConfigureAwait(false);
        CountQuery(page.Items);
        return page;
    }

    private void CountQuery(IReadOnlyList<StoredDocument> documents)
    {
        long bytes = 0;
        var charge = CosmosCharges.QueryBase;
        foreach (var document in documents)
        {
            var size = BytesOf(document);
            bytes += size;
            charge += CosmosCharges.Read(size);
        }
        counts.Add(Operations.CosmosQuery, bytes, charge);
    }

    public async Task<BatchResult> CommitAsync(WriteBatch batch, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Count(batch);
        }
    }

    // Embedded mode commits a handler's batch and completes its message in one unit of work: passed through (with the message's
    // own settlement), counted as the two operations they are in Azure.
    public bool CanComplete(IMessageSettlement settlement) =>
        inner is ICompletingStore completing && completing.CanComplete(CountingSettlement.Unwrap(settlement));

    // Writes of another component carried in that unit (a saga's turn) are no Cosmos DB operation: passed through, not counted.
    public bool CanCarry(ICarriedWrite write) => inner is ICompletingStore completing && completing.CanCarry(write);

    public async Task<CompletedCommit> CommitAndCompleteAsync(WriteBatch batch, IMessageSettlement settlement, IReadOnlyList<ICarriedWrite> carried,
        CancellationToken cancellationToken = default)
    {
        CompletedCommit committed;
        try
        {
            committed = await ((ICompletingStore)inner).CommitAndCompleteAsync(batch, CountingSettlement.Unwrap(settlement), carried, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            Count(batch);
        }
        if (committed.CompletionFailure is null && settlement is CountingSettlement counting) counting.Completed();
        return committed;
    }

    private void Count(WriteBatch batch)
    {
        if (batch.Writes.Count > 1) counts.Add(Operations.CosmosBatch);
        foreach (var write in batch.Writes)
        {
            var bytes = write.Body is { } body ? CosmosCharges.ItemBytes(write.Id, batch.PartitionKey, write.DocumentKind ?? "", BodyBytes(body)) : 0;
            // A delete sends no body: charged as a 1 KB write (the published table has no delete row).
            counts.Add(NameOf(write.Kind), bytes, CosmosCharges.Write(Math.Max(bytes, 1)));
        }
    }

    private static string NameOf(WriteKind kind) => kind switch
    {
        WriteKind.Create => Operations.CosmosCreate,
        WriteKind.Replace => Operations.CosmosReplace,
        WriteKind.Upsert => Operations.CosmosUpsert,
        _ => Operations.CosmosDelete,
    };

    private static long BytesOf(StoredDocument document) =>
        CosmosCharges.ItemBytes(document.Id, document.PartitionKey, document.Kind, BodyBytes(document.Body));

    // The body's UTF-8 as parsed, without copying it (a string of it would cost the normal path an allocation per call).
    private static int BodyBytes(JsonElement body) => JsonMarshal.GetRawUtf8Value(body).Length;
}
