using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Orderly.Embedded.Store;

/// <summary>
/// The store's SQL, prepared once per connection and reused: SQLite then skips parsing and planning on every call,
/// which is most of the CPU cost of a small write. A connection is used by one caller at a time (the writer loop,
/// or a reader taken from the pool), so its statements are too.
/// </summary>
internal sealed partial class DocumentStatements
{
    private static readonly ConditionalWeakTable<SqliteConnection, DocumentStatements> PerConnection = [];

    private const string Columns = "container, partition_key, id, kind, body, etag, expires_at, seq";
    private const string Values = "$container, $pk, $id, $kind, $body, $etag, $expires, $seq";
    private const string SetAll = "kind = excluded.kind, body = excluded.body, etag = excluded.etag, expires_at = excluded.expires_at, seq = excluded.seq";
    private const string Key = "container = $container AND partition_key = $pk AND id = $id";

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    private DocumentStatements(SqliteConnection connection) => _connection = connection;

    public static DocumentStatements For(SqliteConnection connection) => PerConnection.GetValue(connection, c => new DocumentStatements(c));

    // An expired document counts as absent: a create may take its id, a replace or delete does not find it.
    public const string Create = $"INSERT INTO documents ({Columns}) VALUES ({Values}) ON CONFLICT (container, partition_key, id) DO UPDATE SET {SetAll} WHERE documents.expires_at IS NOT NULL AND documents.expires_at <= $now";
    public const string Upsert = $"INSERT INTO documents ({Columns}) VALUES ({Values}) ON CONFLICT (container, partition_key, id) DO UPDATE SET {SetAll}";
    public const string Replace = $"UPDATE documents SET kind = $kind, body = $body, etag = $etag, expires_at = $expires, seq = $seq WHERE {Key} AND etag = $ifmatch AND {DocumentTable.Live}";
    public const string Delete = $"DELETE FROM documents WHERE {Key} AND ($ifmatch IS NULL OR etag = $ifmatch) AND {DocumentTable.Live}";
    public const string Exists = $"SELECT 1 FROM documents WHERE {Key} AND {DocumentTable.Live}";
    public const string ReadOne = $"SELECT kind, body, etag FROM documents WHERE {Key} AND {DocumentTable.Live}";
    public const string ReadPartition = $"SELECT id, kind, body, etag FROM documents WHERE container = $container AND partition_key = $pk AND ($kind IS NULL OR kind = $kind) AND {DocumentTable.Live} ORDER BY id";
    public const string ReserveSequence = "UPDATE document_sequence SET value = value + $count WHERE id = 1 RETURNING value";
    public const string PurgeExpired = "DELETE FROM documents WHERE container = $container AND expires_at IS NOT NULL AND expires_at <= $now";
    public const string ReadOutbox = $"SELECT partition_key, id, seq, body FROM documents WHERE container = $container AND kind = 'outbox' AND {DocumentTable.Live} ORDER BY seq LIMIT $max";
    public const string ReadParked = $"SELECT partition_key, id, body, etag FROM documents WHERE container = $container AND kind = 'outbox-parked' AND {DocumentTable.Live} ORDER BY seq LIMIT $max";
    public const string DeleteOutbox = "DELETE FROM documents WHERE container = $container AND partition_key = $pk AND id = $id AND seq = $seq";

    /// <summary>The prepared command for <paramref name="sql"/>, bound to <paramref name="transaction"/> (null on readers).</summary>
    public SqliteCommand Get(string sql, SqliteTransaction? transaction = null)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            // Parameters are created once and only their values change per call (every one of them is set before each use).
            foreach (System.Text.RegularExpressions.Match name in ParameterName().Matches(sql))
                if (!command.Parameters.Contains(name.Value)) command.Parameters.Add(new SqliteParameter(name.Value, DBNull.Value));
            _commands.Add(sql, command);
        }
        command.Transaction = transaction;
        return command;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\$[a-z][a-z0-9]*")]
    private static partial System.Text.RegularExpressions.Regex ParameterName();
}

/// <summary>Short parameter binding for the store's commands.</summary>
internal static class SqliteCommandBinding
{
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        // A statement without this parameter (an upsert has no $now) ignores it, as SQLite ignores unbound names.
        var index = command.Parameters.IndexOf(name);
        if (index >= 0) command.Parameters[index].Value = value ?? DBNull.Value;
        return command;
    }
}
