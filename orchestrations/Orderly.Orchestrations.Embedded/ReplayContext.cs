using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// The context of one run of a saga: actions found in the journal complete at once with their recorded outcome (replay);
/// the first action that is not there is recorded as new and its task never completes in this run.
/// </summary>
internal sealed class ReplayContext : SagaContext
{
    private readonly IReadOnlyDictionary<int, JournalEntry> _journal;
    private readonly long _seenSeq;
    private readonly ILoggerFactory _loggers;
    private int _nextAction;
    private int _guids;
    private DateTimeOffset _now;
    private bool _replaying;

    public ReplayContext(string instanceId, DateTimeOffset startedAt, IReadOnlyDictionary<int, JournalEntry> journal, long seenSeq, bool ranBefore, ILoggerFactory loggers)
    {
        InstanceId = instanceId;
        _journal = journal;
        _seenSeq = seenSeq;
        _loggers = loggers;
        _now = startedAt;
        _replaying = ranBefore;
    }

    public override string InstanceId { get; }

    public override DateTime CurrentUtcDateTime => _now.UtcDateTime;

    public override bool IsReplaying => _replaying;

    protected override ILoggerFactory LoggerFactory => _loggers;

    /// <summary>Actions asked for in this run that have no outcome yet.</summary>
    public List<SagaAction> NewActions { get; } = [];

    public bool HasCustomStatus { get; private set; }

    public object? CustomStatus { get; private set; }

    /// <summary>Set when the saga asked for something else than its journal says it asked for before.</summary>
    public string? NonDeterminism { get; private set; }

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
            if (entry.Kind == JournalEntry.StepCompleted)
                return Task.FromResult(entry.Payload is null ? default! : JsonSerializer.Deserialize<TResult>(entry.Payload, SagaRegistration.JsonOptions)!);
            var failure = JsonSerializer.Deserialize<StepFailure>(entry.Payload!, SagaRegistration.JsonOptions)!;
            return Task.FromException<TResult>(new StepFailedException(name, failure.ErrorType, failure.Message));
        }
        NewActions.Add(new StepAction(id, name, JsonSerializer.Serialize(input, SagaRegistration.JsonOptions), retry ?? StepRetryPolicy.None));
        return Pending<TResult>();
    }

    public override Task<EventWaitResult<T>> WaitForEventAsync<T>(string name, TimeSpan timeout)
    {
        var id = _nextAction++;
        if (Recorded(id, name, JournalEntry.EventReceived, JournalEntry.TimedOut) is { } entry)
        {
            return Task.FromResult(entry.Kind == JournalEntry.TimedOut
                ? EventWaitResult<T>.Timeout()
                : EventWaitResult<T>.Received(JsonSerializer.Deserialize<T>(entry.Payload!, SagaRegistration.JsonOptions)!));
        }
        NewActions.Add(new WaitAction(id, name, _now + timeout));
        return Pending<EventWaitResult<T>>();
    }

    public override Task DelayAsync(TimeSpan delay)
    {
        var id = _nextAction++;
        if (Recorded(id, "delay", JournalEntry.TimerFired) is not null) return Task.CompletedTask;
        NewActions.Add(new DelayAction(id, _now + delay));
        return Pending<bool>();
    }

    public override void SetCustomStatus(object? customStatus)
    {
        HasCustomStatus = true;
        CustomStatus = customStatus;
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
        // The saga sees time move to when this outcome was recorded; code after an outcome first seen now is not a replay.
        if (entry.At > _now) _now = entry.At;
        _replaying = entry.Seq <= _seenSeq;
        return entry;
    }

    private static Task<T> Pending<T>() => new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously).Task;
}
