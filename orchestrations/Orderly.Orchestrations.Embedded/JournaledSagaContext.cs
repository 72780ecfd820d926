using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// The context a saga runs on in this process, for its whole life in memory. Actions its journal already has complete at
/// once with their recorded outcome (the replay after a restart or an eviction); any other action stays pending until its
/// outcome is applied in a turn (<see cref="Resolve"/>), and the saga goes on from where it waits: no replay per step.
/// </summary>
internal sealed class JournaledSagaContext : SagaContext
{
    private readonly IReadOnlyDictionary<int, JournalEntry> _journal;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly SortedDictionary<int, Pending> _pending = [];
    private readonly List<KeptEvent> _kept = [];
    private int _nextAction;
    private int _guids;
    private DateTimeOffset _now;
    private bool _replaying;
    private SagaTurn? _turn;

    public JournaledSagaContext(string instanceId, DateTimeOffset startedAt, IReadOnlyDictionary<int, JournalEntry> journal, bool ranBefore,
        ILoggerFactory loggers, TimeProvider time)
    {
        InstanceId = instanceId;
        _journal = journal;
        _loggers = loggers;
        _time = time;
        _now = startedAt;
        _replaying = ranBefore;
    }

    public override string InstanceId { get; }

    public override DateTime CurrentUtcDateTime => _now.UtcDateTime;

    public override bool IsReplaying => _replaying;

    protected override ILoggerFactory LoggerFactory => _loggers;

    /// <summary>Steps asked for in the current turn: they start once it is journaled.</summary>
    public List<StepAction> NewSteps { get; } = [];

    /// <summary>Whether the saga waits for anything this runner will deliver (a step, an event, a timer).</summary>
    public bool IsWaiting => _pending.Count > 0;

    /// <summary>Set when the saga asked for something else than its journal says it asked for before.</summary>
    public string? NonDeterminism { get; private set; }

    /// <summary>The saga's waits and delays with their fire times, to arm once the turn that asked is journaled.</summary>
    public IEnumerable<(int ActionId, DateTimeOffset FireAt)> Timers =>
        _pending.Where(p => p.Value.FireAt is not null).Select(p => (p.Key, p.Value.FireAt!.Value));

    /// <summary>Starts a turn: what the saga does until <see cref="EndTurn"/> is recorded in <paramref name="turn"/>.</summary>
    public void BeginTurn(SagaTurn turn)
    {
        _turn = turn;
        NewSteps.Clear();
    }

    public void EndTurn() => _turn = null;

    /// <summary>Applies an outcome to the pending action <paramref name="actionId"/>; false when it has none (already decided, or unknown).</summary>
    public bool Resolve(int actionId, string kind, string? payload)
    {
        if (!_pending.Remove(actionId, out var pending)) return false;
        var entry = new JournalEntry(actionId, kind, pending.Name, payload, _time.GetUtcNow());
        Turn.Entries.Add(entry);
        _replaying = false;
        Advance(entry);
        pending.Complete(entry);
        return true;
    }

    /// <summary>The oldest wait for <paramref name="name"/> takes the event; when none waits, it is kept for a later wait.</summary>
    public void Deliver(KeptEvent raised)
    {
        foreach (var (id, pending) in _pending)
        {
            if (pending.Kind != JournalEntry.EventReceived || pending.Name != raised.Name) continue;
            if (raised.Id != 0) Turn.TakenEvents.Add(raised.Id);
            Resolve(id, JournalEntry.EventReceived, raised.Payload);
            return;
        }
        _kept.Add(raised);
        if (raised.Id == 0) Turn.NewEvents.Add(raised);
    }

    /// <summary>Events kept in the store (before the saga ran here, or while it was away); those already known are skipped.</summary>
    public void DeliverKept(IEnumerable<KeptEvent> stored)
    {
        foreach (var e in stored)
            if (!_kept.Any(k => k.Id == e.Id)) Deliver(e);
    }

    public bool HasCustomStatus { get; private set; }

    public object? CustomStatus { get; private set; }

    public override Guid NewGuid()
    {
        // Name-based: the same instance and position give the same GUID on every replay.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{InstanceId}:{_guids++}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    public override Task<TResult> CallStepAsync<TResult>(string name, object? input, StepRetryPolicy? retry = null)
    {
        var id = _nextAction++;
        if (Recorded(id, name, JournalEntry.StepCompleted, JournalEntry.StepFailed) is { } entry)
        {
            var done = new TaskCompletionSource<TResult>();
            StepOutcome(done, name, entry);
            return done.Task;
        }
        var step = new TaskCompletionSource<TResult>();
        _pending[id] = new Pending(JournalEntry.StepCompleted, name, null, e => StepOutcome(step, name, e));
        NewSteps.Add(new StepAction(id, name, JsonSerializer.SerializeToElement(input, SagaRegistration.JsonOptions), retry ?? StepRetryPolicy.None));
        return step.Task;
    }

    public override Task<EventWaitResult<T>> WaitForEventAsync<T>(string name, TimeSpan timeout)
    {
        var id = _nextAction++;
        var wait = new TaskCompletionSource<EventWaitResult<T>>();
        void Outcome(JournalEntry e) => wait.SetResult(e.Kind == JournalEntry.TimedOut
            ? EventWaitResult<T>.Timeout()
            : EventWaitResult<T>.Received(JsonSerializer.Deserialize<T>(e.Payload!, SagaRegistration.JsonOptions)!));
        if (Recorded(id, name, JournalEntry.EventReceived, JournalEntry.TimedOut) is { } entry)
        {
            Outcome(entry);
            return wait.Task;
        }
        _pending[id] = new Pending(JournalEntry.EventReceived, name, _now + timeout, Outcome);
        // An event that came before the wait (kept) is taken at once, in this turn.
        if (_kept.FirstOrDefault(k => k.Name == name) is { } early)
        {
            _kept.Remove(early);
            if (early.Id != 0) Turn.TakenEvents.Add(early.Id);
            else Turn.NewEvents.Remove(early);
            Resolve(id, JournalEntry.EventReceived, early.Payload);
        }
        return wait.Task;
    }

    public override Task DelayAsync(TimeSpan delay)
    {
        var id = _nextAction++;
        if (Recorded(id, "delay", JournalEntry.TimerFired) is not null) return Task.CompletedTask;
        var timer = new TaskCompletionSource();
        _pending[id] = new Pending(JournalEntry.TimerFired, "delay", _now + delay, _ => timer.SetResult());
        return timer.Task;
    }

    /// <summary>What a timer firing for <paramref name="actionId"/> means: a wait's timeout or a delay's end (null when nothing waits on it).</summary>
    public string? TimerKind(int actionId) =>
        _pending.TryGetValue(actionId, out var p) && p.FireAt is not null
            ? p.Kind == JournalEntry.EventReceived ? JournalEntry.TimedOut : JournalEntry.TimerFired
            : null;

    public override void SetCustomStatus(object? customStatus)
    {
        HasCustomStatus = true;
        CustomStatus = customStatus;
        if (_turn is not null) _turn.StatusChanged = true;
    }

    private SagaTurn Turn => _turn ?? throw new InvalidOperationException("A saga acted outside its turn (it awaited something that is not a saga action).");

    private static void StepOutcome<TResult>(TaskCompletionSource<TResult> step, string name, JournalEntry entry)
    {
        if (entry.Kind == JournalEntry.StepCompleted)
        {
            step.SetResult(entry.Payload is null ? default! : JsonSerializer.Deserialize<TResult>(entry.Payload, SagaRegistration.JsonOptions)!);
            return;
        }
        var failure = JsonSerializer.Deserialize<StepFailure>(entry.Payload!, SagaRegistration.JsonOptions)!;
        step.SetException(new StepFailedException(name, failure.ErrorType, failure.Message));
    }

    private JournalEntry? Recorded(int id, string name, params string[] kinds)
    {
        if (!_journal.TryGetValue(id, out var entry))
        {
            _replaying = false;
            return null;
        }
        if (entry.Name != name || !kinds.Contains(entry.Kind))
        {
            NonDeterminism ??= $"action {id}: the journal has {entry.Kind} '{entry.Name}' but the saga asked for '{name}'";
            throw new InvalidOperationException("Non-deterministic saga: " + NonDeterminism);
        }
        // Every journaled outcome was seen by the saga in the turn that recorded it: code after it is a replay.
        _replaying = true;
        Advance(entry);
        return entry;
    }

    // The saga sees time move to when each outcome was recorded, never back.
    private void Advance(JournalEntry entry)
    {
        if (entry.At > _now) _now = entry.At;
    }

    /// <summary>An action without an outcome: what it is, its fire time (waits and delays), and how to hand the saga its outcome.</summary>
    private sealed record Pending(string Kind, string Name, DateTimeOffset? FireAt, Action<JournalEntry> Complete);
}
