using System.Text.Json;
using Orderly.Embedded.Broker;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Embedded.Store;

/// <summary>
/// The unpublished outbox records of one container, read straight from the document table in commit order
/// (the embedded stand-in for the Cosmos DB change feed). Acknowledging deletes them; until then they survive restarts.
/// </summary>
public sealed class EmbeddedOutboxFeed : IOutboxFeed, IPublishingFeed
{
    private readonly SqliteDatabase _database;
    private readonly string _container;
    private readonly TimeProvider _time;
    private readonly Task _ready;
    private readonly CommitSignal _committed;
    private long _seenGeneration = -1;

    /// <summary>The feed of <paramref name="container"/>'s outbox in <paramref name="database"/>.</summary>
    public EmbeddedOutboxFeed(SqliteDatabase database, string container, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(container);
        _database = database;
        _container = container;
        _time = time ?? TimeProvider.System;
        _ready = DocumentTable.EnsureAsync(database);
        _committed = CommitSignal.For(database, container);
    }

    public async Task<IReadOnlyList<PendingOutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await _ready.ConfigureAwait(false);
        // Taken before the read: a commit after this point wakes the next wait even if this read already saw it.
        Interlocked.Exchange(ref _seenGeneration, _committed.Generation);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return _database.Read(connection =>
        {
            var cmd = DocumentStatements.For(connection).Get(DocumentStatements.ReadOutbox)
                .With("$container", _container).With("$now", now).With("$max", max);
            using var reader = cmd.ExecuteReader();
            var records = new List<PendingOutboxRecord>();
            while (reader.Read())
            {
                var record = JsonSerializer.Deserialize<OutboxRecord>(reader.GetString(3), DocumentJson.Options)
                    ?? throw new InvalidOperationException($"Outbox document {reader.GetString(1)} has a null body.");
                records.Add(new PendingOutboxRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), record));
            }
            return records;
        });
    }

    public async Task AcknowledgeAsync(IReadOnlyList<PendingOutboxRecord> published, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(published);
        if (published.Count == 0) return;
        await _ready.ConfigureAwait(false);
        await _database.WriteAsync(scope =>
        {
            Delete(scope, published);
            return published.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool CanPublishTo(IMessagePublisher publisher) => publisher is EmbeddedBroker broker && ReferenceEquals(broker.Database, _database);

    /// <inheritdoc />
    public async Task PublishAndAcknowledgeAsync(IMessagePublisher publisher, IReadOnlyList<OutgoingMessage> messages,
        IReadOnlyList<PendingOutboxRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (!CanPublishTo(publisher))
            throw new ArgumentException("The publisher is not a broker on this feed's database.", nameof(publisher));
        await _ready.ConfigureAwait(false);
        await ((EmbeddedBroker)publisher).PublishAsync(messages, scope => Delete(scope, records), cancellationToken).ConfigureAwait(false);
    }

    private void Delete(WriteScope scope, IReadOnlyList<PendingOutboxRecord> records)
    {
        var sql = DocumentStatements.For(scope.Connection);
        foreach (var r in records)
        {
            // seq in the key: only the record that was read is removed, never a later document with the same id.
            sql.Get(DocumentStatements.DeleteOutbox, scope.Transaction)
                .With("$container", _container).With("$pk", r.PartitionKey).With("$id", r.DocumentId).With("$seq", r.Sequence)
                .ExecuteNonQuery();
        }
    }

    public async Task<IReadOnlyList<StoredDocument>> ReadParkedAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await _ready.ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return _database.Read(connection =>
        {
            var cmd = DocumentStatements.For(connection).Get(DocumentStatements.ReadParked)
                .With("$container", _container).With("$now", now).With("$max", max);
            using var reader = cmd.ExecuteReader();
            var documents = new List<StoredDocument>();
            while (reader.Read())
            {
                documents.Add(new StoredDocument(reader.GetString(1), reader.GetString(0), ParkedOutboxRecord.Kind,
                    EmbeddedDocumentStore.ParseBody(reader.GetString(2)), reader.GetString(3)));
            }
            return documents;
        });
    }

    public Task WaitForRecordsAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) =>
        _committed.WaitAsync(Interlocked.Read(ref _seenGeneration), maxWait, cancellationToken);
}
