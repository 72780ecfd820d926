using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orderly.Embedded;

namespace Orderly.Orchestrations.Embedded;

/// <summary>The runner's reads: status queries, the instances to resume or admit, and what a saga is rebuilt from after a restart or an eviction.</summary>
internal sealed class SagaReads(SqliteDatabase database)
{
    /// <summary>An instance as stored: what its replay starts from.</summary>
    public sealed record Instance(string Name, string Input, SagaRuntimeStatus Status, bool RanBefore, DateTimeOffset CreatedAt);

    public SagaInstanceStatus? Status(string instanceId) => database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, status, custom_status, output, failure, created_at, updated_at FROM saga_instances WHERE instance_id = $id";
        cmd.Parameters.AddWithValue("$id", instanceId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new SagaInstanceStatus(instanceId, r.GetString(0), Enum.Parse<SagaRuntimeStatus>(r.GetString(1)),
            Json(r, 2), Json(r, 3), r.IsDBNull(4) ? null : r.GetString(4),
            new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero), new DateTimeOffset(r.GetInt64(6), TimeSpan.Zero));
    });

    public List<string> Running() => Strings("SELECT instance_id FROM saga_instances WHERE status = 'Running' ORDER BY created_at");

    public int PendingCount() => database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM saga_instances WHERE status = 'Pending'";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>The oldest pending instances, in start order.</summary>
    public List<string> Pending(int limit) =>
        Strings($"SELECT instance_id FROM saga_instances WHERE status = 'Pending' ORDER BY created_at, rowid LIMIT {limit}");

    public Instance? Load(string instanceId) => database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, input, status, runs, created_at FROM saga_instances WHERE instance_id = $id";
        cmd.Parameters.AddWithValue("$id", instanceId);
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new Instance(r.GetString(0), r.GetString(1), Enum.Parse<SagaRuntimeStatus>(r.GetString(2)), r.GetInt32(3) > 0,
                new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero))
            : null;
    });

    public Dictionary<int, JournalEntry> Journal(string instanceId) => database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT action_id, kind, name, payload, at FROM saga_journal WHERE instance_id = $id";
        cmd.Parameters.AddWithValue("$id", instanceId);
        using var r = cmd.ExecuteReader();
        var entries = new Dictionary<int, JournalEntry>();
        while (r.Read())
        {
            var e = new JournalEntry(r.GetInt32(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero));
            entries[e.ActionId] = e;
        }
        return entries;
    });

    /// <summary>The events kept for an instance, oldest first.</summary>
    public List<KeptEvent> Events(string instanceId) => database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, payload FROM saga_events WHERE instance_id = $id ORDER BY id";
        cmd.Parameters.AddWithValue("$id", instanceId);
        using var r = cmd.ExecuteReader();
        var events = new List<KeptEvent>();
        while (r.Read()) events.Add(new KeptEvent(r.GetInt64(0), r.GetString(1), r.GetString(2)));
        return events;
    });

    private List<string> Strings(string sql) => database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    });

    private static JsonElement? Json(SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? null : JsonDocument.Parse(r.GetString(i)).RootElement.Clone();
}
