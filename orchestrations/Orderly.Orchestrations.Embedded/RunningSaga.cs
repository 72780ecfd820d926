using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// One saga alive in this process, from its launch to its end (or its eviction). What arrives for it (step outcomes, events,
/// due timers) is queued and applied in turns, one at a time: a turn hands the arrivals to the waiting saga code, lets it
/// run until it waits again, and journals all of it in one unit of work; only then are the steps and timers it asked for
/// started. Send steps (<see cref="SagaSendStep"/>) are the exception: taken in the turn itself, their messages written in
/// its unit. A turn runs on the thread that brought the first arrival; what arrives meanwhile joins the next turn.
/// </summary>
internal sealed class RunningSaga
{
    private const string ForeignAwait = "the saga awaited something that is not a saga action (I/O, a clock, Task.Delay?)";

    private readonly EmbeddedSagaRunner _engine;
    private readonly ExecutionContext? _flow;
    private readonly NewSaga? _new;
    private readonly Lock _lock = new();
    private readonly Queue<SagaArrival> _inbox = new();
    private readonly SagaThread _thread = new();
    private readonly Dictionary<int, ITimer> _timers = [];
    private bool _turning;
    private bool _gone;
    private JournaledSagaContext? _context;
    private Task<object?>? _run;
    private SagaDefinition? _definition;
    private string _name = "";
    private JsonElement _input;

    /// <param name="flow">The starter's execution context (its trace): the saga's turns and steps run in it; null after a restart.</param>
    /// <param name="created">A saga just started here: no journal to read.</param>
    public RunningSaga(EmbeddedSagaRunner engine, string instanceId, ExecutionContext? flow, NewSaga? created)
    {
        _engine = engine;
        InstanceId = instanceId;
        _flow = flow;
        _new = created;
        _inbox.Enqueue(SagaArrival.Begin.Instance); // first, whatever arrives before the launch takes its first turn
    }

    /// <summary>What a saga started in this process begins from.</summary>
    public sealed record NewSaga(string Name, string Input, DateTimeOffset CreatedAt);

    public string InstanceId { get; }

    /// <summary>Queues an arrival and runs a turn unless one is running; false once the saga has left memory (ended or evicted).</summary>
    public bool Deliver(SagaArrival arrival)
    {
        lock (_lock)
        {
            if (_gone) return false;
            _inbox.Enqueue(arrival);
            if (_turning) return true;
            _turning = true;
        }
        RunTurns();
        return true;
    }

    /// <summary>Takes the first turn (once the engine knows the saga is here, so no event raised meanwhile can miss it).</summary>
    public void Launch()
    {
        lock (_lock)
        {
            if (_turning || _gone) return;
            _turning = true;
        }
        RunTurns();
    }

    private void RunTurns()
    {
        if (_flow is null) _engine.Track(TakeTurnsAsync());
        else ExecutionContext.Run(_flow, static s => ((RunningSaga)s!).StartTurns(), this);
    }

    private void StartTurns() => _engine.Track(TakeTurnsAsync());

    private async Task TakeTurnsAsync()
    {
        while (true)
        {
            if (_engine.Stopping.IsCancellationRequested)
            {
                // Raisers still waiting hear that their event was not taken; the next start resumes the saga from its journal.
                Leave(new OperationCanceledException("The saga runner is stopping."));
                return;
            }
            List<SagaArrival> arrivals;
            lock (_lock)
            {
                if (_gone || _inbox.Count == 0)
                {
                    _turning = false;
                    return;
                }
                arrivals = TakeArrivals();
            }
            SagaTurn? turn = null;
            try
            {
                turn = Play(arrivals);
                if (turn.NotRunning)
                {
                    Leave(null);
                    foreach (var raiser in turn.Raisers) raiser.TrySetResult();
                    _engine.Finished(this);
                    return;
                }
                // A raiser's unit that carries the turn commits it with the reply's inbox record and completion; the next turn
                // waits for that unit's outcome as it would for the turn's own.
                var kept = await (turn.Carrier is { } carrier
                    ? carrier.Hold(scope => _engine.Journal.WriteTurn(scope, InstanceId, turn))
                    : _engine.Journal.CommitTurnAsync(InstanceId, turn)).ConfigureAwait(false);
                for (var i = 0; i < kept.Length; i++) turn.NewEvents[i].Id = kept[i];
                if (turn.Messages.Count > 0) _engine.SentInTurn(turn.Messages);
            }
            catch (Exception ex)
            {
                // Memory is ahead of the journal (or could not be read): forget this copy; the engine rebuilds it from the journal.
                foreach (var raiser in turn?.Raisers ?? []) raiser.TrySetException(ex);
                foreach (var send in turn?.Sends ?? []) send.Failed(ex);
                Leave(ex);
                _engine.Evicted(this, ex);
                return;
            }
            foreach (var raiser in turn.Raisers) raiser.TrySetResult();
            if (turn.End is not null)
            {
                Leave(null);
                _engine.Finished(this);
                return;
            }
            _engine.TurnSucceeded();
            foreach (var step in turn.Steps) _engine.Steps.Start(this, step);
            ArmTimers();
        }
    }

    // Everything queued, up to the first event whose raiser's unit carries the turn: one unit carries one raiser's turn, the
    // rest waits for the next turn. Called under the lock.
    private List<SagaArrival> TakeArrivals()
    {
        var arrivals = new List<SagaArrival>(_inbox.Count);
        while (_inbox.TryDequeue(out var arrival))
        {
            arrivals.Add(arrival);
            if (arrival is SagaArrival.EventRaised { Carrier: not null }) break;
        }
        return arrivals;
    }

    /// <summary>Applies the arrivals and runs the saga until it waits or ends; records all of it in the returned turn.</summary>
    private SagaTurn Play(List<SagaArrival> arrivals)
    {
        var turn = new SagaTurn();
        if (_context is null && !Open(turn))
        {
            turn.NotRunning = true;
            foreach (var raised in arrivals.OfType<SagaArrival.EventRaised>()) turn.Raisers.Add(raised.Stored);
            return turn;
        }
        var context = _context!;
        context.BeginTurn(turn);
        try
        {
            _thread.Run(() =>
            {
                foreach (var arrival in arrivals)
                {
                    if (arrival is SagaArrival.EventRaised raised)
                    {
                        turn.Raisers.Add(raised.Stored);
                        turn.Carrier ??= raised.Carrier;
                    }
                    if (_run is { IsCompleted: true }) continue; // ended in this turn: the rest is moot (events are dropped, as Durable does)
                    switch (arrival)
                    {
                        case SagaArrival.Begin:
                            _run ??= Start(context);
                            break;
                        case SagaArrival.StepFinished step:
                            context.Resolve(step.ActionId, step.Kind, step.Payload);
                            break;
                        case SagaArrival.TimerDue due:
                            if (_timers.Remove(due.ActionId, out var timer)) timer.Dispose();
                            if (context.TimerKind(due.ActionId) is { } kind) context.Resolve(due.ActionId, kind, null);
                            break;
                        case SagaArrival.EventRaised e:
                            context.Deliver(new KeptEvent(0, e.Name, e.Payload));
                            break;
                        case SagaArrival.EventsKept:
                            context.DeliverKept(_engine.Reads.Events(InstanceId));
                            break;
                    }
                }
            });
            TakeSendSteps(context, turn);
        }
        finally
        {
            context.EndTurn();
        }
        turn.Steps.AddRange(context.NewSteps);
        if (turn.StatusChanged) turn.CustomStatus = JsonSerializer.Serialize(context.CustomStatus, SagaRegistration.JsonOptions);
        var run = _run!;
        var failure = context.NonDeterminism
            ?? (!run.IsCompleted && !context.IsWaiting ? ForeignAwait : null)
            ?? (run.IsFaulted ? run.Exception!.GetBaseException().ToString() : run.IsCanceled ? "cancelled" : null);
        if (failure is not null)
        {
            _engine.Log.LogError("Saga {InstanceId} failed: {Failure}", InstanceId, failure);
            turn.End = new SagaEnd(SagaRuntimeStatus.Failed, null, failure);
        }
        else if (run.IsCompletedSuccessfully)
        {
            turn.End = new SagaEnd(SagaRuntimeStatus.Completed, JsonSerializer.Serialize(run.Result, SagaRegistration.JsonOptions), null);
        }
        return turn;
    }

    // Send steps (SagaSendStep) are taken here, in the turn that asks for them: the saga gets the result and goes on, and
    // the messages ride in this turn's unit of work. Going on may ask for more of them.
    private void TakeSendSteps(JournaledSagaContext context, SagaTurn turn)
    {
        while (_run is { IsCompleted: false } && context.NewSteps.Find(s => _engine.SendStep(s.Name) is not null) is { } step)
        {
            context.NewSteps.Remove(step);
            string kind, payload;
            try
            {
                var plan = _engine.SendStep(step.Name)!.Plan(_engine.Services, step.Input);
                turn.Sends.Add(_engine.Broker!.PrepareSend(plan.Messages));
                turn.Messages.AddRange(plan.Messages);
                (kind, payload) = (JournalEntry.StepCompleted, JsonSerializer.Serialize(plan.Result, SagaRegistration.JsonOptions));
            }
            catch (Exception ex)
            {
                _engine.Log.LogWarning(ex, "Saga {InstanceId}: send step {Step} failed", InstanceId, step.Name);
                (kind, payload) = (JournalEntry.StepFailed, StepRunner.Failure(ex));
            }
            _thread.Run(() => context.Resolve(step.ActionId, kind, payload));
        }
    }

    /// <summary>Rebuilds the saga's state: new, or from its journal (a restart, an admission, an eviction); false when it is not running.</summary>
    private bool Open(SagaTurn turn)
    {
        string name, input;
        DateTimeOffset createdAt;
        var ranBefore = false;
        IReadOnlyDictionary<int, JournalEntry> journal;
        if (_new is { } created)
        {
            (name, input, createdAt) = (created.Name, created.Input, created.CreatedAt);
            journal = new Dictionary<int, JournalEntry>();
        }
        else
        {
            var stored = _engine.Reads.Load(InstanceId);
            if (stored is null || stored.Status != SagaRuntimeStatus.Running) return false;
            (name, input, createdAt, ranBefore) = (stored.Name, stored.Input, stored.CreatedAt, stored.RanBefore);
            journal = _engine.Reads.Journal(InstanceId);
        }
        (_definition, _name) = (_engine.Saga(name), name);
        _input = JsonDocument.Parse(input).RootElement;
        var context = new JournaledSagaContext(InstanceId, createdAt, journal, ranBefore, _engine.Loggers, _engine.Time);
        context.BeginTurn(turn);
        context.DeliverKept(_engine.Reads.Events(InstanceId));
        _context = context;
        return true;
    }

    private Task<object?> Start(JournaledSagaContext context)
    {
        try
        {
            return _definition?.Run(_engine.Services, context, _input)
                ?? Task.FromException<object?>(new InvalidOperationException($"No saga named '{_name}' is registered."));
        }
        catch (Exception ex)
        {
            return Task.FromException<object?>(ex);
        }
    }

    // Arms the timers of new waits and delays; disarms those whose wait an event decided.
    private void ArmTimers()
    {
        var wanted = _context!.Timers.ToList();
        lock (_lock)
        {
            if (_gone) return;
            foreach (var id in _timers.Keys.Where(id => wanted.All(w => w.ActionId != id)).ToList())
            {
                _timers.Remove(id, out var timer);
                timer!.Dispose();
            }
            foreach (var (id, fireAt) in wanted)
                if (!_timers.ContainsKey(id)) _timers[id] = _engine.Timers.Arm(this, id, fireAt);
        }
    }

    // Out of memory for good: what is still queued is dropped (an event is refused when the saga was evicted, so its raiser retries).
    private void Leave(Exception? evicted)
    {
        List<SagaArrival> left;
        lock (_lock)
        {
            _gone = true;
            _turning = false;
            left = [.. _inbox];
            _inbox.Clear();
            foreach (var timer in _timers.Values) timer.Dispose();
            _timers.Clear();
        }
        foreach (var raised in left.OfType<SagaArrival.EventRaised>())
        {
            if (evicted is null) raised.Stored.TrySetResult();
            else raised.Stored.TrySetException(evicted);
        }
    }

    /// <summary>Stops its timers when the engine stops (its journal has them).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var timer in _timers.Values) timer.Dispose();
            _timers.Clear();
        }
    }
}
