using Microsoft.Extensions.Logging;
using Orderly.Embedded;
using Orderly.Resilience;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// Deletes the journal of sagas that ended longer than <see cref="EmbeddedSagaRunnerOptions.FinishedJournalRetention"/> ago,
/// as Durable Functions' purge of instance history does: a journal is read only to replay a saga that still runs, and a
/// finished one's was a fifth of a data folder's size (5.5 KB a checkout). The instance (status, output, custom status) stays readable.
/// </summary>
internal sealed class SagaRetention(SqliteDatabase database, TimeProvider time, TimeSpan retention, LoopReport report, ILogger log)
{
    // Finished instances by when they ended, with their ids: the purge reads only those that ended since the last one, and
    // only this index, not every saga ever run (named in the query: without statistics SQLite preferred the status index,
    // which reads every finished instance's row). Created by the first purge, not at start: on a large older data folder
    // building it takes a while.
    private const string Schema = """
        CREATE INDEX IF NOT EXISTS ix_saga_instances_ended ON saga_instances(updated_at, instance_id) WHERE status IN ('Completed', 'Failed');
        """;

    private bool _indexed;

    /// <summary>How often the journal is purged: a quarter of the retention, between 1 second and 10 minutes.</summary>
    public TimeSpan Interval { get; } = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute * 10));

    /// <summary>
    /// Purges every <see cref="Interval"/> until <paramref name="stopping"/>. A failed purge (the store refusing writes) is
    /// tried again with backoff, not a whole interval later: the loop reports to health, which would call it failing meanwhile.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var retry = new Backoff(TimeSpan.FromSeconds(1), Interval);
        var delay = Interval;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
                var deleted = await PurgeAsync(stopping).ConfigureAwait(false);
                report.Succeeded();
                delay = Interval;
                if (deleted > 0) log.LogDebug("Deleted {Entries} journal entries of sagas that ended over {Retention} ago", deleted, retention);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                delay = report.Failed(ex, retry);
                log.LogWarning(ex, "Purging the journal of finished sagas failed; it is tried again in {DelayMs} ms", (int)delay.TotalMilliseconds);
            }
        }
    }

    // Sagas per unit of work: a first purge on a large folder deletes in slices instead of holding the writer for seconds.
    private const int Slice = 500;

    private (long UpdatedAt, string InstanceId) _purgedUpTo = (0, "");

    private async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        if (!_indexed)
        {
            await database.EnsureSchemaAsync(Schema).ConfigureAwait(false);
            _indexed = true;
        }
        var cutoff = (time.GetUtcNow() - retention).UtcTicks;
        var deleted = 0;
        while (true)
        {
            var (entries, sagas, last) = await database.WriteAsync(scope => PurgeSlice(scope, cutoff), cancellationToken).ConfigureAwait(false);
            deleted += entries;
            if (last is { } reached) _purgedUpTo = reached;
            if (sagas < Slice) return deleted;
        }
    }

    // The next slice of sagas that ended after the last one purged and before the cutoff, in (ended, id) order.
    private (int Entries, int Sagas, (long, string)? Last) PurgeSlice(WriteScope scope, long cutoff)
    {
        var ended = new List<(long UpdatedAt, string InstanceId)>(Slice);
        using (var select = scope.Command($"""
            SELECT updated_at, instance_id FROM saga_instances INDEXED BY ix_saga_instances_ended
            WHERE status IN ('Completed', 'Failed') AND (updated_at, instance_id) > ($at, $id) AND updated_at <= $cutoff
            ORDER BY updated_at, instance_id LIMIT {Slice}
            """))
        {
            select.Parameters.AddWithValue("$at", _purgedUpTo.UpdatedAt);
            select.Parameters.AddWithValue("$id", _purgedUpTo.InstanceId);
            select.Parameters.AddWithValue("$cutoff", cutoff);
            using var r = select.ExecuteReader();
            while (r.Read()) ended.Add((r.GetInt64(0), r.GetString(1)));
        }
        var entries = 0;
        using var delete = scope.Command("DELETE FROM saga_journal WHERE instance_id = $id");
        var id = delete.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
        foreach (var saga in ended)
        {
            id.Value = saga.InstanceId;
            entries += delete.ExecuteNonQuery();
        }
        return (entries, ended.Count, ended.Count > 0 ? ended[^1] : null);
    }
}
