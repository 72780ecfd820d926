using System.Runtime.CompilerServices;

namespace Orderly.Embedded.Store;

/// <summary>The one table that holds the documents of every container, and its schema.</summary>
internal static class DocumentTable
{
    // A rowid table (not WITHOUT ROWID): bodies are often larger than the ~200 bytes where WITHOUT ROWID pays off.
    // seq comes from document_sequence, which only ever grows, so it orders commits and makes each ETag unique for good.
    // documents_by_status serves a listing filtered on status (the operators' order search) across partitions in key
    // order, from the continuation on, with no sort; a listing of one partition walks the primary key. Only documents with
    // a top-level status and no inbox or outbox record get an entry (its condition); its text must match Listable's.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS documents (
            container     TEXT    NOT NULL,
            partition_key TEXT    NOT NULL,
            id            TEXT    NOT NULL,
            kind          TEXT    NOT NULL,
            body          TEXT    NOT NULL,
            etag          TEXT    NOT NULL,
            expires_at    INTEGER NULL,
            seq           INTEGER NOT NULL,
            PRIMARY KEY (container, partition_key, id));
        CREATE INDEX IF NOT EXISTS documents_outbox ON documents (container, seq) WHERE kind = 'outbox';
        CREATE INDEX IF NOT EXISTS documents_parked ON documents (container, seq) WHERE kind = 'outbox-parked';
        CREATE INDEX IF NOT EXISTS documents_expiry ON documents (container, expires_at) WHERE expires_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS documents_by_status ON documents (container, kind, json_extract(body, '$.status'), partition_key, id)
            WHERE kind NOT IN ('inbox', 'outbox', 'outbox-parked') AND json_extract(body, '$.status') IS NOT NULL;
        CREATE TABLE IF NOT EXISTS document_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
        INSERT OR IGNORE INTO document_sequence (id, value) VALUES (1, 0);
        """;

    private static readonly ConditionalWeakTable<SqliteDatabase, Task> Ready = [];

    /// <summary>Creates the table once per database; every store and feed awaits the same task.</summary>
    public static Task EnsureAsync(SqliteDatabase database) =>
        Ready.GetValue(database, db => db.EnsureSchemaAsync(Schema));

    /// <summary>
    /// What a listing may list: not the pipeline's inbox records nor the outbox's, the bulk of the writes. It is also the
    /// first condition of <c>documents_by_status</c>, so those writes never parse their body for the index; a listing's
    /// query repeats it word for word, as SQLite uses a partial index only for a query that implies its condition.
    /// </summary>
    public const string Listable = "kind NOT IN ('inbox', 'outbox', 'outbox-parked')";

    /// <summary>A read or write filter on "not expired"; expired documents stay in the file until purged, but no one sees them.</summary>
    public const string Live = "(expires_at IS NULL OR expires_at > $now)";
}
