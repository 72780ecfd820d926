using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Embedded;
using Orderly.Resilience;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// Runs sagas durably in one process, the stand-in for Durable Functions: every step result, event and timer firing is
/// appended to a journal in SQLite, and on each new one the saga is re-run from the start with recorded outcomes replayed.
/// Events are kept until the saga waits for them; timers survive restarts; at start-up every running saga resumes from its
/// journal; at most <see cref="EmbeddedSagaRunnerOptions.MaxConcurrentSagas"/> run at once. Steps run at least once.
/// </summary>
public sealed class EmbeddedSagaRunner : ISagaStarter, ISagaEventRaiser, ISagaStatusReader, IHostedService, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS saga_instances(
            instance_id TEXT PRIMARY KEY, name TEXT NOT NULL, input TEXT NOT NULL, status TEXT NOT NULL,
            custom_status TEXT, output TEXT, failure TEXT, runs INTEGER NOT NULL DEFAULT 0, seen_seq INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_saga_instances_status ON saga_instances(status, created_at);
        CREATE TABLE IF NOT EXISTS saga_journal(
            seq INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, action_id INTEGER NOT NULL,
            kind TEXT NOT NULL, name TEXT NOT NULL, payload TEXT, at INTEGER NOT NULL, UNIQUE(instance_id, action_id));
        CREATE TABLE IF NOT EXISTS saga_events(
            id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, name TEXT NOT NULL, payload TEXT NOT NULL, received_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_saga_events ON saga_events(instance_id, name, id);
        CREATE TABLE IF NOT EXISTS saga_timers(
            instance_id TEXT NOT NULL, action_id INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, fire_at INTEGER NOT NULL,
            PRIMARY KEY(instance_id, action_id));
        CREATE INDEX IF NOT EXISTS ix_saga_timers_due ON saga_timers(fire_at);
        """;

    private readonly SqliteDatabase _db;
    private readonly IServiceProvider _services;
    private readonly EmbeddedSagaRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly Dictionary<string, SagaDefinition> _sagas;
    private readonly Dictionary<string, SagaActivityDefinition> _activities;
    private readonly Lazy<Task> _schema;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly HashSet<string> _admitted = [];
    private readonly Dictionary<string, bool> _processing = []; // instance -> run again when done
    // Steps started by this process, kept until their instance ends: a run that loaded the journal just before a step's
    // outcome landed must not start that step again. After a restart the set is empty, so unjournaled steps run again.
    private readonly HashSet<(string Instance, int Action)> _startedSteps = [];
    private readonly HashSet<Task> _inFlight = [];
    private readonly SemaphoreSlim _admission = new(1, 1);
    private readonly SemaphoreSlim _timerSignal = new(0);
    private Task? _timerLoop;
    private bool _started;
    private int _executing;
    private int _maxExecuting;
    private readonly LoopReport _runs;
    private readonly LoopReport _timers;

    public EmbeddedSagaRunner(SqliteDatabase database, IServiceProvider services, EmbeddedSagaRunnerOptions? options = null)
    {
        _db = database;
        _services = services;
        _options = options ?? new EmbeddedSagaRunnerOptions();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        _log = _loggers.CreateLogger<EmbeddedSagaRunner>();
        _sagas = services.GetServices<SagaDefinition>().ToDictionary(d => d.Name, StringComparer.Ordinal);
        _activities = services.GetServices<SagaActivityDefinition>().ToDictionary(d => d.Name, StringComparer.Ordinal);
        _schema = new Lazy<Task>(() => _db.EnsureSchemaAsync(Schema));
        var loops = services.GetService<BackgroundLoops>() ?? new BackgroundLoops(_time);
        _runs = loops.For("saga runs");
        _timers = loops.For("saga timers");
    }

    /// <summary>The most sagas that were ever executing at the same moment (for checking the bound).</summary>
    public int MaxObservedConcurrency => Volatile.Read(ref _maxExecuting);

    /// <summary>Resumes every running saga from its journal, admits pending ones, and starts the timers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _schema.Value.ConfigureAwait(false);
        var running = _db.Read(c => Strings(c, "SELECT instance_id FROM saga_instances WHERE status = 'Running' ORDER BY created_at"));
        lock (_gate)
        {
            _started = true;
            foreach (var id in running) _admitted.Add(id);
        }
        if (running.Count > 0) _log.LogInformation("Resuming {Count} running sagas from their journals", running.Count);
        foreach (var id in running) Schedule(id);
        _timerLoop = Task.Run(() => TimerLoopAsync(_stopping.Token), CancellationToken.None);
        await AdmitAsync().ConfigureAwait(false);
    }

    /// <summary>Stops cleanly: no new work; running steps are cancelled and will run again after a restart (at least once).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _timerSignal.Release();
        Task[] pending;
        lock (_gate) pending = [.. _inFlight];
        if (_timerLoop is not null) pending = [.. pending, _timerLoop];
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Work cancelled by the stop itself: expected.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The token source is not disposed: late callbacks (a step finishing) may still ask whether we are stopping.
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> StartIfNotExistsAsync(string name, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (!_sagas.ContainsKey(name)) throw new ArgumentException($"No saga named '{name}' is registered.", nameof(name));
        await _schema.Value.ConfigureAwait(false);
        var now = _time.GetUtcNow().UtcTicks;
        var json = JsonSerializer.Serialize(input, SagaRegistration.JsonOptions);
        var created = await _db.WriteAsync(scope =>
        {
            using var cmd = scope.Command("""
                INSERT OR IGNORE INTO saga_instances(instance_id, name, input, status, created_at, updated_at)
                VALUES ($id, $name, $input, 'Pending', $now, $now)
                """);
            cmd.Parameters.AddWithValue("$id", instanceId);
            cmd.Parameters.AddWithValue("$name", name);
            cmd.Parameters.AddWithValue("$input", json);
            cmd.Parameters.AddWithValue("$now", now);
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken).ConfigureAwait(false);
        if (created) await AdmitAsync().ConfigureAwait(false);
        return created;
    }

    /// <inheritdoc />
    public async Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default)
    {
        await _schema.Value.ConfigureAwait(false);
        var json = JsonSerializer.Serialize(payload, SagaRegistration.JsonOptions);
        var now = _time.GetUtcNow().UtcTicks;
        // Kept durably whatever the instance is doing (a reply that beats the wait, or the start, is not lost); only an
        // instance that has ended drops it, as Durable does: nothing would ever take it.
        await _db.WriteAsync(scope =>
        {
            using var cmd = scope.Command("""
                INSERT INTO saga_events(instance_id, name, payload, received_at)
                SELECT $id, $name, $payload, $now
                WHERE NOT EXISTS (SELECT 1 FROM saga_instances WHERE instance_id = $id AND status IN ('Completed', 'Failed'))
                """);
            cmd.Parameters.AddWithValue("$id", instanceId);
            cmd.Parameters.AddWithValue("$name", eventName);
            cmd.Parameters.AddWithValue("$payload", json);
            cmd.Parameters.AddWithValue("$now", now);
            return cmd.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        bool admitted;
        lock (_gate) admitted = _admitted.Contains(instanceId);
        if (admitted) Schedule(instanceId);
    }

    /// <inheritdoc />
    public async Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _schema.Value.ConfigureAwait(false);
        return _db.Read(c =>
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
    }

    // ---- admission: a bounded number of sagas run; the rest wait as Pending in start order ----

    private async Task AdmitAsync()
    {
        lock (_gate)
        {
            if (!_started || _stopping.IsCancellationRequested) return;
        }
        await _admission.WaitAsync().ConfigureAwait(false);
        try
        {
            int free;
            lock (_gate) free = _options.MaxConcurrentSagas - _admitted.Count;
            if (free <= 0) return;
            var ids = _db.Read(c => Strings(c, $"SELECT instance_id FROM saga_instances WHERE status = 'Pending' ORDER BY created_at, rowid LIMIT {free}"));
            if (ids.Count == 0) return;
            var now = _time.GetUtcNow().UtcTicks;
            await _db.WriteAsync(scope =>
            {
                foreach (var id in ids)
                {
                    using var cmd = scope.Command("UPDATE saga_instances SET status = 'Running', updated_at = $now WHERE instance_id = $id AND status = 'Pending'");
                    cmd.Parameters.AddWithValue("$id", id);
                    cmd.Parameters.AddWithValue("$now", now);
                    cmd.ExecuteNonQuery();
                }
                return 0;
            }).ConfigureAwait(false);
            lock (_gate) foreach (var id in ids) _admitted.Add(id);
            foreach (var id in ids) Schedule(id);
        }
        finally
        {
            _admission.Release();
        }
    }

    private void Finished(string instanceId)
    {
        lock (_gate)
        {
            _admitted.Remove(instanceId);
            _startedSteps.RemoveWhere(s => s.Instance == instanceId);
        }
        // The sagas admitted now belong to other orders: they must not run in this one's trace and log scope.
        using (ExecutionContext.SuppressFlow()) Track(Task.Run(AdmitAsync));
    }

    // ---- execution: one run at a time per instance; a trigger during a run makes it run again ----

    private void Schedule(string instanceId)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            if (_processing.ContainsKey(instanceId))
            {
                _processing[instanceId] = true;
                return;
            }
            _processing[instanceId] = false;
        }
        Track(Task.Run(() => DrainAsync(instanceId)));
    }

    private async Task DrainAsync(string instanceId)
    {
        var now = Interlocked.Increment(ref _executing);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxExecuting)) && Interlocked.CompareExchange(ref _maxExecuting, now, seen) != seen) { }
        try
        {
            while (true)
            {
                try
                {
                    if (!_stopping.IsCancellationRequested)
                    {
                        await ProcessAsync(instanceId).ConfigureAwait(false);
                        _runs.Succeeded();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store failed under the run (the saga's own faults end it as Failed inside ProcessAsync). Its journal
                    // is intact: run it again after a backoff, so a saga whose next event already came does not wait for ever.
                    var delay = _runs.Failed(ex, _options.RunRetryBackoff);
                    _log.LogError(ex, "Saga {InstanceId}: run failed ({Failures} saga runs failed in a row); running it again in {DelayMs} ms",
                        instanceId, _runs.State.Failures, (int)delay.TotalMilliseconds);
                    Track(RetryLaterAsync(instanceId, delay));
                }
                lock (_gate)
                {
                    if (_processing[instanceId] && !_stopping.IsCancellationRequested)
                    {
                        _processing[instanceId] = false;
                        continue;
                    }
                    _processing.Remove(instanceId);
                    return;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _executing);
        }
    }

    private async Task RetryLaterAsync(string instanceId, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopping: the next start resumes every running saga
        }
        Schedule(instanceId);
    }

    private async Task ProcessAsync(string instanceId)
    {
        while (true)
        {
            var instance = LoadInstance(instanceId);
            if (instance is null || instance.Status != nameof(SagaRuntimeStatus.Running)) return;
            var journal = LoadJournal(instanceId);
            var context = new ReplayContext(instanceId, instance.CreatedAt, journal, instance.SeenSeq, instance.Runs > 0, _loggers);
            var input = JsonDocument.Parse(instance.Input).RootElement;
            Task<object?> run;
            try
            {
                run = _sagas.TryGetValue(instance.Name, out var saga)
                    ? saga.Run(_services, context, input)
                    : Task.FromException<object?>(new InvalidOperationException($"No saga named '{instance.Name}' is registered."));
            }
            catch (Exception ex)
            {
                run = Task.FromException<object?>(ex);
            }

            var maxSeq = journal.Count == 0 ? instance.SeenSeq : Math.Max(instance.SeenSeq, journal.Values.Max(e => e.Seq));
            var status = context.HasCustomStatus ? JsonSerializer.Serialize(context.CustomStatus, SagaRegistration.JsonOptions) : instance.CustomStatus;
            // Blocked with nothing asked of the runner: the saga awaited something else (I/O, Task.Delay, Task.Yield) and
            // would hang for ever, and could not be replayed anyway.
            var foreignAwait = !run.IsCompleted && context.NewActions.Count == 0
                ? "the saga awaited something that is not a saga action (I/O, a clock, Task.Delay or Task.Yield?)"
                : null;
            if (context.NonDeterminism is not null || foreignAwait is not null || run.IsFaulted || run.IsCanceled)
            {
                var failure = context.NonDeterminism ?? foreignAwait ?? run.Exception?.GetBaseException().ToString() ?? "cancelled";
                _log.LogError("Saga {InstanceId} failed: {Failure}", instanceId, failure);
                await EndAsync(instanceId, nameof(SagaRuntimeStatus.Failed), status, null, failure).ConfigureAwait(false);
                return;
            }
            if (run.IsCompletedSuccessfully)
            {
                await EndAsync(instanceId, nameof(SagaRuntimeStatus.Completed), status,
                    JsonSerializer.Serialize(run.Result, SagaRegistration.JsonOptions), null).ConfigureAwait(false);
                return;
            }

            // Blocked on new actions: record them, and resolve waits whose event is already here.
            var actions = context.NewActions;
            var now = _time.GetUtcNow().UtcTicks;
            var resolved = await _db.WriteAsync(scope =>
            {
                using (var cmd = scope.Command("UPDATE saga_instances SET custom_status = $status, runs = runs + 1, seen_seq = $seq, updated_at = $now WHERE instance_id = $id"))
                {
                    cmd.Parameters.AddWithValue("$status", (object?)status ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$seq", maxSeq);
                    cmd.Parameters.AddWithValue("$now", now);
                    cmd.Parameters.AddWithValue("$id", instanceId);
                    cmd.ExecuteNonQuery();
                }
                var any = false;
                foreach (var action in actions)
                {
                    switch (action)
                    {
                        case WaitAction w:
                            if (TryConsumeEvent(scope, instanceId, w, now)) any = true;
                            else AddTimer(scope, instanceId, w.ActionId, JournalEntry.TimedOut, w.Name, w.FireAt);
                            break;
                        case DelayAction d:
                            AddTimer(scope, instanceId, d.ActionId, JournalEntry.TimerFired, d.Name, d.FireAt);
                            break;
                    }
                }
                return any;
            }).ConfigureAwait(false);

            foreach (var step in actions.OfType<StepAction>()) StartStep(instanceId, step);
            if (actions.Any(a => a is WaitAction or DelayAction)) _timerSignal.Release();
            if (!resolved) return;
        }
    }

    private static bool TryConsumeEvent(WriteScope scope, string instanceId, WaitAction wait, long now)
    {
        long eventId;
        string payload;
        using (var find = scope.Command("SELECT id, payload FROM saga_events WHERE instance_id = $id AND name = $name ORDER BY id LIMIT 1"))
        {
            find.Parameters.AddWithValue("$id", instanceId);
            find.Parameters.AddWithValue("$name", wait.Name);
            using var r = find.ExecuteReader();
            if (!r.Read()) return false;
            eventId = r.GetInt64(0);
            payload = r.GetString(1);
        }
        if (!AppendJournal(scope, instanceId, wait.ActionId, JournalEntry.EventReceived, wait.Name, payload, now)) return false;
        using (var delete = scope.Command("DELETE FROM saga_events WHERE id = $e; DELETE FROM saga_timers WHERE instance_id = $id AND action_id = $a"))
        {
            delete.Parameters.AddWithValue("$e", eventId);
            delete.Parameters.AddWithValue("$id", instanceId);
            delete.Parameters.AddWithValue("$a", wait.ActionId);
            delete.ExecuteNonQuery();
        }
        return true;
    }

    private static void AddTimer(WriteScope scope, string instanceId, int actionId, string kind, string name, DateTimeOffset fireAt)
    {
        using var cmd = scope.Command("INSERT OR IGNORE INTO saga_timers(instance_id, action_id, kind, name, fire_at) VALUES ($id, $a, $kind, $name, $at)");
        cmd.Parameters.AddWithValue("$id", instanceId);
        cmd.Parameters.AddWithValue("$a", actionId);
        cmd.Parameters.AddWithValue("$kind", kind);
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$at", fireAt.UtcTicks);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Records an action's outcome unless it already has one (the journal keeps the first: the winner of a race).</summary>
    private static bool AppendJournal(WriteScope scope, string instanceId, int actionId, string kind, string name, string? payload, long at)
    {
        using var cmd = scope.Command("INSERT OR IGNORE INTO saga_journal(instance_id, action_id, kind, name, payload, at) VALUES ($id, $a, $kind, $name, $payload, $at)");
        cmd.Parameters.AddWithValue("$id", instanceId);
        cmd.Parameters.AddWithValue("$a", actionId);
        cmd.Parameters.AddWithValue("$kind", kind);
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$payload", (object?)payload ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$at", at);
        return cmd.ExecuteNonQuery() == 1;
    }

    private async Task EndAsync(string instanceId, string status, string? customStatus, string? output, string? failure)
    {
        var now = _time.GetUtcNow().UtcTicks;
        await _db.WriteAsync(scope =>
        {
            using var cmd = scope.Command("""
                UPDATE saga_instances SET status = $status, custom_status = $custom, output = $output, failure = $failure, updated_at = $now
                WHERE instance_id = $id;
                DELETE FROM saga_timers WHERE instance_id = $id;
                DELETE FROM saga_events WHERE instance_id = $id;
                """);
            cmd.Parameters.AddWithValue("$status", status);
            cmd.Parameters.AddWithValue("$custom", (object?)customStatus ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$output", (object?)output ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$failure", (object?)failure ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$now", now);
            cmd.Parameters.AddWithValue("$id", instanceId);
            return cmd.ExecuteNonQuery();
        }).ConfigureAwait(false);
        Finished(instanceId);
    }

    // ---- steps: at least once, retried per their policy, outcome journaled ----

    private void StartStep(string instanceId, StepAction step)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || !_startedSteps.Add((instanceId, step.ActionId))) return;
        }
        Track(Task.Run(() => RunStepAsync(instanceId, step)));
    }

    private async Task RunStepAsync(string instanceId, StepAction step)
    {
        var ct = _stopping.Token;
        try
        {
            string kind;
            string? payload;
            if (!_activities.TryGetValue(step.Name, out var activity))
            {
                (kind, payload) = (JournalEntry.StepFailed, Failure(new InvalidOperationException($"No step named '{step.Name}' is registered.")));
            }
            else
            {
                (kind, payload) = (JournalEntry.StepFailed, null);
                var input = JsonDocument.Parse(step.Input).RootElement;
                for (var attempt = 1; attempt <= Math.Max(1, step.Retry.MaxAttempts); attempt++)
                {
                    if (attempt > 1) await Task.Delay(step.Retry.DelayBefore(attempt), _time, ct).ConfigureAwait(false);
                    try
                    {
                        var scope = _services.CreateAsyncScope();
                        await using (scope.ConfigureAwait(false))
                        {
                            var result = await activity.Run(scope.ServiceProvider, input, ct).ConfigureAwait(false);
                            (kind, payload) = (JournalEntry.StepCompleted, JsonSerializer.Serialize(result, SagaRegistration.JsonOptions));
                        }
                        break;
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested)
                    {
                        _log.LogWarning(ex, "Saga {InstanceId}: step {Step} attempt {Attempt} failed", instanceId, step.Name, attempt);
                        payload = Failure(ex);
                    }
                }
            }
            ct.ThrowIfCancellationRequested();
            var at = _time.GetUtcNow().UtcTicks;
            await _db.WriteAsync(scope => AppendJournal(scope, instanceId, step.ActionId, kind, step.Name, payload, at), CancellationToken.None).ConfigureAwait(false);
            Schedule(instanceId);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the step is not journaled, so it runs again after a restart.
            Forget(instanceId, step.ActionId);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Saga {InstanceId}: the outcome of step {Step} could not be journaled; it runs again", instanceId, step.Name);
            Forget(instanceId, step.ActionId);
            Schedule(instanceId);
        }
    }

    private void Forget(string instanceId, int actionId)
    {
        lock (_gate) _startedSteps.Remove((instanceId, actionId));
    }

    private static string Failure(Exception ex) =>
        JsonSerializer.Serialize(new StepFailure(ex.GetType().FullName ?? ex.GetType().Name, ex.Message), SagaRegistration.JsonOptions);

    // ---- timers: durable rows; the loop fires the due ones (a timeout only if the event has not won) ----

    private async Task TimerLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                var now = _time.GetUtcNow();
                var due = _db.Read(c =>
                {
                    using var cmd = c.CreateCommand();
                    cmd.CommandText = "SELECT instance_id, action_id, kind, name FROM saga_timers WHERE fire_at <= $now ORDER BY fire_at LIMIT 256";
                    cmd.Parameters.AddWithValue("$now", now.UtcTicks);
                    using var r = cmd.ExecuteReader();
                    var list = new List<(string Instance, int Action, string Kind, string Name)>();
                    while (r.Read()) list.Add((r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3)));
                    return list;
                });
                foreach (var t in due)
                {
                    await _db.WriteAsync(scope =>
                    {
                        AppendJournal(scope, t.Instance, t.Action, t.Kind, t.Name, null, now.UtcTicks);
                        using var del = scope.Command("DELETE FROM saga_timers WHERE instance_id = $id AND action_id = $a");
                        del.Parameters.AddWithValue("$id", t.Instance);
                        del.Parameters.AddWithValue("$a", t.Action);
                        return del.ExecuteNonQuery();
                    }, ct).ConfigureAwait(false);
                    Schedule(t.Instance);
                }
                var next = _db.Read(c =>
                {
                    using var cmd = c.CreateCommand();
                    cmd.CommandText = "SELECT MIN(fire_at) FROM saga_timers";
                    var v = cmd.ExecuteScalar();
                    return v is long ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : (DateTimeOffset?)null;
                });
                sleep = next is { } n ? n - _time.GetUtcNow() : _options.TimerPollInterval;
                if (sleep > _options.TimerPollInterval) sleep = _options.TimerPollInterval;
                if (sleep < TimeSpan.Zero) sleep = TimeSpan.Zero;
                _timers.Succeeded();
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                sleep = _timers.Failed(ex, _options.RunRetryBackoff);
                _log.LogError(ex, "Saga timers: firing failed ({Failures} in a row); retrying in {DelayMs} ms", _timers.State.Failures, (int)sleep.TotalMilliseconds);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (sleep > TimeSpan.Zero) await _timerSignal.WaitAsync(sleep, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // ---- reads ----

    private sealed record InstanceRow(string Name, string Input, string Status, string? CustomStatus, int Runs, long SeenSeq, DateTimeOffset CreatedAt);

    private InstanceRow? LoadInstance(string instanceId) => _db.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, input, status, custom_status, runs, seen_seq, created_at FROM saga_instances WHERE instance_id = $id";
        cmd.Parameters.AddWithValue("$id", instanceId);
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new InstanceRow(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4), r.GetInt64(5),
                new DateTimeOffset(r.GetInt64(6), TimeSpan.Zero))
            : null;
    });

    private Dictionary<int, JournalEntry> LoadJournal(string instanceId) => _db.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT action_id, kind, name, payload, at, seq FROM saga_journal WHERE instance_id = $id";
        cmd.Parameters.AddWithValue("$id", instanceId);
        using var r = cmd.ExecuteReader();
        var entries = new Dictionary<int, JournalEntry>();
        while (r.Read())
        {
            var e = new JournalEntry(r.GetInt32(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero), r.GetInt64(5));
            entries[e.ActionId] = e;
        }
        return entries;
    });

    private static List<string> Strings(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    private static JsonElement? Json(SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? null : JsonDocument.Parse(r.GetString(i)).RootElement.Clone();

    private void Track(Task task)
    {
        lock (_gate) _inFlight.Add(task);
        task.ContinueWith(t => { lock (_gate) _inFlight.Remove(t); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
