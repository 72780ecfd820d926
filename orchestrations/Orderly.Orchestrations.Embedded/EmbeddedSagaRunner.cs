using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Messaging;
using Orderly.Resilience;
using Orderly.Storage;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// Runs sagas durably in one process, the stand-in for Durable Functions. A running saga lives in memory
/// (<see cref="RunningSaga"/>) and goes on from where it waits when a step's outcome, an event or a timer arrives; each of
/// its turns is journaled in SQLite in one unit of work before the steps it asked for start (a reply's turn in the reply's
/// own unit, where the raiser hands it one: <see cref="ICarriedEventRaiser"/>). After a restart, or when a
/// turn could not be journaled (the saga is evicted), a saga is rebuilt by replaying its journal. Events are kept until the
/// saga waits for them; at most <see cref="EmbeddedSagaRunnerOptions.MaxConcurrentSagas"/> run at once
/// (<see cref="SagaAdmission"/>). Steps run at least once (<see cref="StepRunner"/>).
/// </summary>
public sealed class EmbeddedSagaRunner : ISagaStarter, ICarriedEventRaiser, ISagaStatusReader, IHostedService, IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private readonly EmbeddedSagaRunnerOptions _options;
    private readonly Dictionary<string, SagaDefinition> _sagas;
    private readonly Dictionary<string, SagaSendStep> _sendSteps;
    private readonly ConcurrentDictionary<string, RunningSaga> _running = new(StringComparer.Ordinal);
    // The starters' execution contexts (their traces) of sagas waiting for a slot, so they run in them once admitted.
    private readonly ConcurrentDictionary<string, ExecutionContext?> _waitingFlows = new(StringComparer.Ordinal);
    private readonly SagaAdmission _admission;
    private readonly SemaphoreSlim _admitting = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _inFlight = [];
    private readonly LoopReport _runs;
    private readonly SagaRetention _retention;

    public EmbeddedSagaRunner(SqliteDatabase database, IServiceProvider services, EmbeddedSagaRunnerOptions? options = null)
    {
        _database = database;
        _options = options ?? new EmbeddedSagaRunnerOptions();
        Services = services;
        Time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        Log = Loggers.CreateLogger<EmbeddedSagaRunner>();
        _sagas = services.GetServices<SagaDefinition>().ToDictionary(d => d.Name, StringComparer.Ordinal);
        // Send steps ride in the turn's unit only where the broker shares the journal's database (one commit for both).
        Broker = services.GetService<EmbeddedBroker>() is { } broker && ReferenceEquals(broker.Database, database) ? broker : null;
        _sendSteps = Broker is null
            ? []
            : services.GetServices<SagaSendStep>().ToDictionary(d => d.Name, StringComparer.Ordinal);
        Journal = new SagaJournal(database, Time);
        Reads = new SagaReads(database);
        Timers = new SagaTimers(Time);
        Steps = new StepRunner(services, Time, Log, Track, _stopping.Token);
        _admission = new SagaAdmission(_options.MaxConcurrentSagas);
        var loops = services.GetService<BackgroundLoops>() ?? new BackgroundLoops(Time);
        _runs = loops.For("saga runs");
        _retention = new SagaRetention(database, Time, _options.FinishedJournalRetention, loops.For("saga journal retention"), Log);
    }

    /// <summary>The most sagas that were ever running at the same moment (for checking the bound).</summary>
    public int MaxObservedConcurrency => _admission.MaxObserved;

    internal IServiceProvider Services { get; }
    internal TimeProvider Time { get; }
    internal ILoggerFactory Loggers { get; }
    internal ILogger Log { get; }
    internal SagaJournal Journal { get; }
    internal SagaReads Reads { get; }
    internal SagaTimers Timers { get; }
    internal StepRunner Steps { get; }
    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>The broker on the journal's database, which a turn's unit writes its send steps' messages to; null when there is none.</summary>
    internal EmbeddedBroker? Broker { get; }

    /// <summary>The send step named <paramref name="name"/>, taken inside the turn that asks for it; null when it runs as an ordinary step.</summary>
    internal SagaSendStep? SendStep(string name) => _sendSteps.GetValueOrDefault(name);

    /// <summary>A turn that carried send steps' messages was committed.</summary>
    internal void SentInTurn(IReadOnlyList<OutgoingMessage> messages) => _options.SentInTurn?.Invoke(messages);

    /// <summary>Resumes every running saga from its journal, admits pending ones, and starts purging finished sagas' journals.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Journal.EnsureSchemaAsync().ConfigureAwait(false);
        var running = Reads.Running();
        _admission.Open(running.Count, Reads.PendingCount());
        if (running.Count > 0) Log.LogInformation("Resuming {Count} running sagas from their journals", running.Count);
        foreach (var id in running) Launch(new RunningSaga(this, id, null, null));
        await AdmitAsync().ConfigureAwait(false);
        using (ExecutionContext.SuppressFlow()) Track(Task.Run(() => _retention.RunAsync(_stopping.Token), CancellationToken.None));
    }

    /// <summary>Stops cleanly: no new work; running steps are cancelled and will run again after a restart (at least once).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var saga in _running.Values) saga.Dispose();
        Task[] pending;
        lock (_gate) pending = [.. _inFlight];
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
        await Journal.EnsureSchemaAsync().ConfigureAwait(false);
        var now = Time.GetUtcNow();
        var json = JsonSerializer.Serialize(input, SagaRegistration.JsonOptions);
        var runNow = _admission.TryRunNow();
        bool created;
        try
        {
            created = await Journal.CreateAsync(name, instanceId, json, runNow, now, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _admission.Undo(runNow);
            throw;
        }
        if (!created)
        {
            _admission.Undo(runNow);
            return false;
        }
        // A started saga runs in its starter's trace (its turns and its steps).
        if (runNow)
        {
            Launch(new RunningSaga(this, instanceId, ExecutionContext.Capture(), new RunningSaga.NewSaga(name, json, now)));
        }
        else
        {
            _waitingFlows[instanceId] = ExecutionContext.Capture();
            await AdmitAsync().ConfigureAwait(false);
        }
        return true;
    }

    /// <inheritdoc />
    public async Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default)
    {
        await Journal.EnsureSchemaAsync().ConfigureAwait(false);
        var json = JsonSerializer.Serialize(payload, SagaRegistration.JsonOptions);
        // A saga running here takes it in its next turn, which journals it (or keeps it, when it waits for something else).
        if (_running.TryGetValue(instanceId, out var saga))
        {
            var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (saga.Deliver(new SagaArrival.EventRaised(eventName, json, stored)))
            {
                await stored.Task.ConfigureAwait(false);
                return;
            }
        }
        // Not running here (pending, not started yet, being rebuilt): kept durably whatever it is doing, so a reply that
        // beats the start is not lost. A saga that was being opened meanwhile reads it.
        await Journal.KeepEventAsync(instanceId, eventName, json, cancellationToken).ConfigureAwait(false);
        AnnounceKept(instanceId);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The turn that takes the event is played as <see cref="ISagaEventRaiser.RaiseEventAsync"/> plays it (at once, or after
    /// the turn in progress), but its writes go to the raiser's unit, and the saga's next turn waits for that unit. If the unit
    /// fails, the saga is ahead of its journal and is rebuilt from it (<see cref="Evicted"/>), as after a turn that failed.
    /// </remarks>
    public async Task RaiseEventAsync(string instanceId, string eventName, object payload, Func<ICarriedWrite, bool> carry,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(carry);
        var carried = new CarriedEvent(_database);
        if (!carry(carried))
        {
            await RaiseEventAsync(instanceId, eventName, payload, cancellationToken).ConfigureAwait(false);
            return;
        }
        await Journal.EnsureSchemaAsync().ConfigureAwait(false);
        var json = JsonSerializer.Serialize(payload, SagaRegistration.JsonOptions);
        if (_running.TryGetValue(instanceId, out var saga) && saga.Deliver(new SagaArrival.EventRaised(eventName, json, carried.HandedOver, carried)))
        {
            await carried.HandedOver.Task.ConfigureAwait(false);
            return;
        }
        // Not running here: kept in the raiser's unit; a saga that was being opened meanwhile reads it once that unit commits.
        var kept = carried.Hold(scope =>
        {
            Journal.KeepEvent(scope, instanceId, eventName, json);
            return [];
        });
        Track(AnnounceKeptAsync(instanceId, kept));
    }

    private async Task AnnounceKeptAsync(string instanceId, Task committed)
    {
        try
        {
            await committed.ConfigureAwait(false);
        }
        catch
        {
            return; // the raiser's unit failed: nothing was kept, and the raiser hears of it from its own commit
        }
        AnnounceKept(instanceId);
    }

    // An event kept durably while the saga was not running here: a copy opened meanwhile reads the kept events again.
    private void AnnounceKept(string instanceId)
    {
        if (_running.TryGetValue(instanceId, out var saga)) saga.Deliver(SagaArrival.EventsKept.Instance);
    }

    /// <inheritdoc />
    public async Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await Journal.EnsureSchemaAsync().ConfigureAwait(false);
        return Reads.Status(instanceId);
    }

    internal SagaDefinition? Saga(string name) => _sagas.GetValueOrDefault(name);

    /// <summary>A turn was journaled: the runs are healthy.</summary>
    internal void TurnSucceeded() => _runs.Succeeded();

    /// <summary>A saga ended (or was not running after all): its slot goes to the oldest waiting saga.</summary>
    internal void Finished(RunningSaga saga)
    {
        _running.TryRemove(KeyValuePair.Create(saga.InstanceId, saga));
        if (!_admission.Freed()) return;
        // The sagas admitted now belong to other orders: they must not run in this one's trace and log scope.
        using (ExecutionContext.SuppressFlow()) Track(Task.Run(AdmitInBackgroundAsync));
    }

    /// <summary>
    /// A saga's turn could not be journaled (or it could not be read): its memory is ahead of its journal, so it is dropped
    /// and rebuilt from the journal after a backoff. Outcomes of that turn are lost with it: those steps run again.
    /// </summary>
    internal void Evicted(RunningSaga saga, Exception error)
    {
        _running.TryRemove(KeyValuePair.Create(saga.InstanceId, saga));
        var delay = _runs.Failed(error, _options.RunRetryBackoff);
        Log.LogError(error, "Saga {InstanceId}: its turn could not be journaled ({Failures} saga runs failed in a row); replaying it from its journal in {DelayMs} ms",
            saga.InstanceId, _runs.State.Failures, (int)delay.TotalMilliseconds);
        using (ExecutionContext.SuppressFlow()) Track(Task.Run(() => RebuildLaterAsync(saga.InstanceId, delay)));
    }

    internal void Track(Task task)
    {
        lock (_gate) _inFlight.Add(task);
        task.ContinueWith(t => { lock (_gate) _inFlight.Remove(t); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Launch(RunningSaga saga)
    {
        if (_stopping.IsCancellationRequested) return;
        _running[saga.InstanceId] = saga;
        saga.Launch();
    }

    private async Task RebuildLaterAsync(string instanceId, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, Time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopping: the next start resumes every running saga
        }
        Launch(new RunningSaga(this, instanceId, null, null));
    }

    // ---- admission: sagas waiting as Pending take free slots in start order ----

    private async Task AdmitAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _admitting.WaitAsync().ConfigureAwait(false);
        try
        {
            var free = _admission.FreeForWaiting();
            if (free == 0) return;
            var ids = Reads.Pending(free);
            if (ids.Count == 0) return;
            await Journal.MarkRunningAsync(ids).ConfigureAwait(false);
            _admission.Admitted(ids.Count);
            foreach (var id in ids)
            {
                _waitingFlows.TryRemove(id, out var flow);
                Launch(new RunningSaga(this, id, flow, null));
            }
        }
        finally
        {
            _admitting.Release();
        }
    }

    private async Task AdmitInBackgroundAsync()
    {
        try
        {
            await AdmitAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The next saga that ends or starts admits them; they stay Pending in the store meanwhile.
            Log.LogError(ex, "Sagas: admitting waiting sagas failed");
        }
    }
}
