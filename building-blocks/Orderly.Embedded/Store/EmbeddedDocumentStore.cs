using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orderly.Embedded.Broker;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Embedded.Store;

/// <summary>
/// The document store on one SQLite file: every container in one table, a batch is one unit of the database's group
/// commit (atomic, durable when the task completes), ETags are checked inside the write transaction so a stale one never
/// overwrites. Listings page in key order (partition, id): one partition's by the primary key, a filter on status by an
/// index of it (<see cref="DocumentTable"/>), a filter on another field by reading the container's rows of that kind. It does not emulate Cosmos DB's request
/// units or throttling, the change feed (the outbox feed reads the table instead), consistency levels (every read sees the last commit),
/// the 2 MB batch limit, or TTL deletion timing (expired documents vanish from reads at once and are purged later).
/// </summary>
public sealed class EmbeddedDocumentStore : IDocumentStore, ICompletingStore
{
    /// <summary>Cosmos DB's limit on the operations of one transactional batch, enforced here too so a handler that works embedded works in Azure.</summary>
    public const int MaxWritesPerBatch = 100;

    private static readonly TimeSpan PurgeInterval = TimeSpan.FromSeconds(10);

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly Task _ready;
    private readonly CommitSignal _outboxCommitted;
    private long _nextPurgeAt;

    /// <summary>A store for <paramref name="container"/> in <paramref name="database"/> (the table is created on first use).</summary>
    public EmbeddedDocumentStore(SqliteDatabase database, string container, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(container);
        _database = database;
        Container = container;
        _time = time ?? TimeProvider.System;
        _ready = DocumentTable.EnsureAsync(database);
        _outboxCommitted = CommitSignal.For(database, container);
    }

    public string Container { get; }

    public async Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        await _ready.ConfigureAwait(false);
        var now = Now();
        return _database.Read(connection =>
        {
            var cmd = DocumentStatements.For(connection).Get(DocumentStatements.ReadOne)
                .With("$container", Container).With("$pk", partitionKey).With("$id", id).With("$now", now);
            using var reader = cmd.ExecuteReader();
            return reader.Read()
                ? new StoredDocument(id, partitionKey, reader.GetString(0), ParseBody(reader.GetString(1)), reader.GetString(2))
                : null;
        });
    }

    public async Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string? kind = null, CancellationToken cancellationToken = default)
    {
        await _ready.ConfigureAwait(false);
        var now = Now();
        return _database.Read(connection =>
        {
            var cmd = DocumentStatements.For(connection).Get(DocumentStatements.ReadPartition)
                .With("$container", Container).With("$pk", partitionKey).With("$kind", kind).With("$now", now);
            using var reader = cmd.ExecuteReader();
            var documents = new List<StoredDocument>();
            while (reader.Read())
                documents.Add(new StoredDocument(reader.GetString(0), partitionKey, reader.GetString(1), ParseBody(reader.GetString(2)), reader.GetString(3)));
            return documents;
        });
    }

    public async Task<DocumentPage> ListAsync(DocumentListing listing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var after = listing.Continuation is { } continuation ? DocumentListingQuery.ResumeAfter(continuation, listing) : default;
        await _ready.ConfigureAwait(false);
        var now = Now();
        var sql = DocumentListingQuery.SqlFor(listing);
        var documents = _database.Read(connection =>
        {
            var cmd = DocumentStatements.For(connection).Get(sql)
                .With("$container", Container).With("$kind", listing.Kind).With("$now", now).With("$pk", listing.PartitionKey)
                .With("$afterpk", after.PartitionKey).With("$afterid", after.Id).With("$limit", listing.PageSize + 1);
            for (var i = 0; i < listing.Where.Count; i++) cmd.With("$where" + i, listing.Where[i].Value);
            using var reader = cmd.ExecuteReader();
            var page = new List<StoredDocument>(Math.Min(listing.PageSize + 1, 64));
            while (reader.Read())
                page.Add(new StoredDocument(reader.GetString(1), reader.GetString(0), reader.GetString(2), ParseBody(reader.GetString(3)), reader.GetString(4)));
            return page;
        });
        if (documents.Count <= listing.PageSize) return new DocumentPage(documents, null);
        documents.RemoveAt(documents.Count - 1);
        return new DocumentPage(documents, DocumentListingQuery.ContinuationAfter(documents[^1]));
    }

    public async Task<BatchResult> CommitAsync(WriteBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty) return new BatchResult([]);
        return (await CommitAsync(batch, completing: null, [], cancellationToken).ConfigureAwait(false)).Batch;
    }

    /// <inheritdoc />
    public bool CanComplete(IMessageSettlement settlement) =>
        settlement is EmbeddedSettlement own && ReferenceEquals(own.Broker.Database, _database);

    /// <inheritdoc />
    public bool CanCarry(ICarriedWrite write) => write is CarriedWrite own && ReferenceEquals(own.Database, _database);

    /// <inheritdoc />
    public async Task<CompletedCommit> CommitAndCompleteAsync(WriteBatch batch, IMessageSettlement settlement, IReadOnlyList<ICarriedWrite> carried,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(carried);
        CompletedCommit committed;
        try
        {
            ArgumentNullException.ThrowIfNull(batch);
            if (!CanComplete(settlement))
                throw new ArgumentException("The message was not received from a broker on this store's database.", nameof(settlement));
            if (carried.FirstOrDefault(w => !CanCarry(w)) is { } foreign)
                throw new ArgumentException($"A {foreign.GetType().Name} is not on this store's database: its unit cannot carry it.", nameof(carried));
            committed = await CommitAsync(batch, (EmbeddedSettlement)settlement, carried, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            foreach (var write in carried) write.Failed(error);
            throw;
        }
        // Told here, on the caller's side of the commit, not on the writer: the next unit of the group must not wait for them.
        foreach (var write in carried) write.Committed();
        return committed;
    }

    private async Task<CompletedCommit> CommitAsync(WriteBatch batch, EmbeddedSettlement? completing, IReadOnlyList<ICarriedWrite> carried,
        CancellationToken cancellationToken)
    {
        if (batch.Writes.Count > MaxWritesPerBatch)
            throw new InvalidOperationException($"A batch holds at most {MaxWritesPerBatch} writes (Cosmos DB's transactional batch limit); this one has {batch.Writes.Count}.");
        await _ready.ConfigureAwait(false);

        // Serialize on the caller's thread: the writer loop is the one thing every commit waits for.
        var writes = batch.Writes;
        var bodies = new string?[writes.Count];
        var hasOutbox = false;
        for (var i = 0; i < writes.Count; i++)
        {
            bodies[i] = writes[i].Body?.GetRawText();
            hasOutbox |= writes[i].DocumentKind == OutboxRecord.Kind;
        }
        var now = Now();
        var purge = TakePurgeTurn(now);
        var duplicating = completing?.Broker.Faults.DuplicateDeliveries.IsOpen ?? false;

        return await _database.WriteAsync(scope =>
        {
            var result = batch.IsEmpty ? new BatchResult([]) : Apply(scope, batch, bodies, now, purge);
            if (hasOutbox) scope.OnCommitted(_outboxCommitted.Notify);
            var lockLost = completing is not null && !completing.Broker.Complete(scope, completing, duplicating);
            foreach (var write in carried) ((CarriedWrite)write).WriteIn(scope);
            return new CompletedCommit(result, lockLost ? new MessageLockLostException(completing!.Entity, completing.MessageId) : null);
        }, cancellationToken).ConfigureAwait(false);
    }

    private BatchResult Apply(WriteScope scope, WriteBatch batch, string?[] bodies, long now, bool purge)
    {
        var sql = DocumentStatements.For(scope.Connection);
        var tx = scope.Transaction;
        var writes = batch.Writes;
        var pk = batch.PartitionKey;

        if (purge)
            sql.Get(DocumentStatements.PurgeExpired, tx).With("$container", Container).With("$now", now).ExecuteNonQuery();

        var lastSeq = (long)sql.Get(DocumentStatements.ReserveSequence, tx).With("$count", writes.Count).ExecuteScalar()!;
        var seq = lastSeq - writes.Count;
        var etags = new string?[writes.Count];

        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            seq++;
            var etag = ETagOf(seq);
            var statement = w.Kind switch
            {
                WriteKind.Create => DocumentStatements.Create,
                WriteKind.Replace => DocumentStatements.Replace,
                WriteKind.Upsert => DocumentStatements.Upsert,
                _ => DocumentStatements.Delete,
            };
            var cmd = sql.Get(statement, tx).With("$container", Container).With("$pk", pk).With("$id", w.Id).With("$now", now);
            if (w.Kind != WriteKind.Delete)
            {
                cmd.With("$kind", w.DocumentKind ?? throw new ArgumentException($"Write {i} ('{w.Id}') has no document kind."))
                    .With("$body", bodies[i] ?? throw new ArgumentException($"Write {i} ('{w.Id}') has no body."))
                    .With("$etag", etag)
                    .With("$expires", w.TimeToLiveSeconds is { } ttl ? now + (ttl * 1000L) : null)
                    .With("$seq", seq);
            }
            if (w.Kind is WriteKind.Replace or WriteKind.Delete) cmd.With("$ifmatch", w.IfMatchETag);

            if (cmd.ExecuteNonQuery() == 0) throw Failure(sql, tx, pk, w, i, now);
            etags[i] = w.Kind == WriteKind.Delete ? null : etag;
        }
        return new BatchResult(etags);
    }

    private DocumentStoreException Failure(DocumentStatements sql, SqliteTransaction tx, string pk, DocumentWrite write, int index, long now)
    {
        var where = $"document '{write.Id}' in partition '{pk}' of '{Container}' (write {index} of the batch)";
        if (write.Kind == WriteKind.Create)
            return new DocumentConflictException($"Create failed: {where} exists.", index);
        using var reader = sql.Get(DocumentStatements.Exists, tx)
            .With("$container", Container).With("$pk", pk).With("$id", write.Id).With("$now", now).ExecuteReader();
        return reader.Read()
            ? new ConcurrencyException($"{write.Kind} failed: {where} has changed since ETag {write.IfMatchETag} was read.", index)
            : new DocumentNotFoundException($"{write.Kind} failed: {where} does not exist.", index);
    }

    // Expired documents are invisible already; deleting them now and then keeps the file from growing.
    private bool TakePurgeTurn(long now)
    {
        var due = Interlocked.Read(ref _nextPurgeAt);
        return now >= due && Interlocked.CompareExchange(ref _nextPurgeAt, now + (long)PurgeInterval.TotalMilliseconds, due) == due;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // The sequence only grows (a rolled-back unit rolls its reservation back too), so this ETag is never handed out twice.
    private static string ETagOf(long seq) => "\"" + seq.ToString("x", CultureInfo.InvariantCulture) + "\"";

    internal static JsonElement ParseBody(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
