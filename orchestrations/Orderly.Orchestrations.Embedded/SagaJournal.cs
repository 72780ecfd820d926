using Orderly.Embedded;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// The runner's writes to SQLite: instances, their journals (one outcome per action) and the events kept for them. A saga's
/// turn is one unit of work (<see cref="CommitTurnAsync"/>); the database's group commit puts many sagas' turns in one fsync.
/// </summary>
/// <remarks>
/// No timer table: a timer's fire time is the saga's time when it asked plus the delay, and the saga's time comes from the
/// journal, so a replay after a restart asks for the same timer at the same instant. The table of older data folders stays unread.
/// </remarks>
internal sealed class SagaJournal(SqliteDatabase database, TimeProvider time)
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS saga_instances(
            instance_id TEXT PRIMARY KEY, name TEXT NOT NULL, input TEXT NOT NULL, status TEXT NOT NULL,
            custom_status TEXT, output TEXT, failure TEXT, runs INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_saga_instances_status ON saga_instances(status, created_at);
        CREATE TABLE IF NOT EXISTS saga_journal(
            seq INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, action_id INTEGER NOT NULL,
            kind TEXT NOT NULL, name TEXT NOT NULL, payload TEXT, at INTEGER NOT NULL, UNIQUE(instance_id, action_id));
        CREATE TABLE IF NOT EXISTS saga_events(
            id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, name TEXT NOT NULL, payload TEXT NOT NULL, received_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_saga_events ON saga_events(instance_id, name, id);
        """;

    private readonly Lazy<Task> _schema = new(async () =>
    {
        await database.EnsureSchemaAsync(Schema).ConfigureAwait(false);
        await database.WriteAsync(DropSeenSeq).ConfigureAwait(false);
    });

    public Task EnsureSchemaAsync() => _schema.Value;

    /// <summary>
    /// Brings a file from before the runner kept its sagas in memory up to date: drops <c>seen_seq</c>, the last event it
    /// had read, which nothing reads since. Once per file (the table is rewritten); idempotent.
    /// </summary>
    private static bool DropSeenSeq(WriteScope scope)
    {
        using var column = scope.Command("SELECT 1 FROM pragma_table_info('saga_instances') WHERE name = 'seen_seq'");
        if (column.ExecuteScalar() is null) return false;
        using var drop = scope.Command("ALTER TABLE saga_instances DROP COLUMN seen_seq");
        drop.ExecuteNonQuery();
        return true;
    }

    /// <summary>Records a new instance, Running when it has a slot, else Pending; false when the id is taken (a duplicate start).</summary>
    public Task<bool> CreateAsync(string name, string instanceId, string input, bool running, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(scope =>
        {
            using var cmd = scope.Command("""
                INSERT OR IGNORE INTO saga_instances(instance_id, name, input, status, created_at, updated_at)
                VALUES ($id, $name, $input, $status, $now, $now)
                """);
            cmd.Parameters.AddWithValue("$id", instanceId);
            cmd.Parameters.AddWithValue("$name", name);
            cmd.Parameters.AddWithValue("$input", input);
            cmd.Parameters.AddWithValue("$status", running ? nameof(SagaRuntimeStatus.Running) : nameof(SagaRuntimeStatus.Pending));
            cmd.Parameters.AddWithValue("$now", at.UtcTicks);
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <summary>Marks admitted instances Running.</summary>
    public Task MarkRunningAsync(IReadOnlyList<string> instanceIds) => database.WriteAsync(scope =>
    {
        var now = time.GetUtcNow().UtcTicks;
        foreach (var id in instanceIds)
        {
            using var cmd = scope.Command("UPDATE saga_instances SET status = 'Running', updated_at = $now WHERE instance_id = $id AND status = 'Pending'");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$now", now);
            cmd.ExecuteNonQuery();
        }
        return 0;
    });

    /// <summary>
    /// Keeps an event for an instance that is not running in this process (pending, not started yet, being reloaded), unless
    /// the instance has ended: as on Durable, nothing would ever take it.
    /// </summary>
    public Task KeepEventAsync(string instanceId, string name, string payload, CancellationToken cancellationToken) =>
        database.WriteAsync(scope => KeepEvent(scope, instanceId, name, payload), cancellationToken);

    /// <summary><see cref="KeepEventAsync"/> in <paramref name="scope"/>'s unit of work.</summary>
    public int KeepEvent(WriteScope scope, string instanceId, string name, string payload)
    {
        using var cmd = scope.Command("""
            INSERT INTO saga_events(instance_id, name, payload, received_at)
            SELECT $id, $name, $payload, $now
            WHERE NOT EXISTS (SELECT 1 FROM saga_instances WHERE instance_id = $id AND status IN ('Completed', 'Failed'))
            """);
        cmd.Parameters.AddWithValue("$id", instanceId);
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$payload", payload);
        cmd.Parameters.AddWithValue("$now", time.GetUtcNow().UtcTicks);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Commits one turn (<see cref="WriteTurn"/>) in a unit of work of its own.</summary>
    public Task<long[]> CommitTurnAsync(string instanceId, SagaTurn turn) => database.WriteAsync(scope => WriteTurn(scope, instanceId, turn));

    /// <summary>
    /// Writes one turn in <paramref name="scope"/>'s unit: its journal entries (a second outcome for one action fails the whole
    /// unit, so memory and journal never disagree), the events taken and kept, the messages of the send steps it took, and the
    /// instance's status or end. Returns the rows of the kept events, in order.
    /// </summary>
    public long[] WriteTurn(WriteScope scope, string instanceId, SagaTurn turn)
    {
        var kept = new long[turn.End is null ? turn.NewEvents.Count : 0];
        var now = time.GetUtcNow().UtcTicks;
        foreach (var e in turn.Entries)
        {
            using var cmd = scope.Command("INSERT INTO saga_journal(instance_id, action_id, kind, name, payload, at) VALUES ($id, $a, $kind, $name, $payload, $at)");
            cmd.Parameters.AddWithValue("$id", instanceId);
            cmd.Parameters.AddWithValue("$a", e.ActionId);
            cmd.Parameters.AddWithValue("$kind", e.Kind);
            cmd.Parameters.AddWithValue("$name", e.Name);
            cmd.Parameters.AddWithValue("$payload", (object?)e.Payload ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$at", e.At.UtcTicks);
            cmd.ExecuteNonQuery();
        }
        foreach (var id in turn.TakenEvents)
        {
            using var cmd = scope.Command("DELETE FROM saga_events WHERE id = $e");
            cmd.Parameters.AddWithValue("$e", id);
            cmd.ExecuteNonQuery();
        }
        if (turn.End is null)
        {
            for (var i = 0; i < kept.Length; i++)
            {
                var e = turn.NewEvents[i];
                using var cmd = scope.Command("INSERT INTO saga_events(instance_id, name, payload, received_at) VALUES ($id, $name, $payload, $now) RETURNING id");
                cmd.Parameters.AddWithValue("$id", instanceId);
                cmd.Parameters.AddWithValue("$name", e.Name);
                cmd.Parameters.AddWithValue("$payload", e.Payload);
                cmd.Parameters.AddWithValue("$now", now);
                kept[i] = (long)cmd.ExecuteScalar()!;
            }
        }
        foreach (var send in turn.Sends) send.WriteIn(scope);
        using (var cmd = scope.Command(turn.End is null
            ? """
              UPDATE saga_instances SET custom_status = CASE WHEN $changed THEN $custom ELSE custom_status END, runs = runs + 1, updated_at = $now
              WHERE instance_id = $id
              """
            : """
              UPDATE saga_instances SET status = $status, custom_status = CASE WHEN $changed THEN $custom ELSE custom_status END,
                  output = $output, failure = $failure, runs = runs + 1, updated_at = $now
              WHERE instance_id = $id;
              DELETE FROM saga_events WHERE instance_id = $id;
              """))
        {
            cmd.Parameters.AddWithValue("$changed", turn.StatusChanged);
            cmd.Parameters.AddWithValue("$custom", (object?)turn.CustomStatus ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$now", now);
            cmd.Parameters.AddWithValue("$id", instanceId);
            if (turn.End is { } end)
            {
                cmd.Parameters.AddWithValue("$status", end.Status.ToString());
                cmd.Parameters.AddWithValue("$output", (object?)end.Output ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$failure", (object?)end.Failure ?? DBNull.Value);
            }
            cmd.ExecuteNonQuery();
        }
        return kept;
    }
}
