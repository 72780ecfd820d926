using System.Text.Json;

namespace Orderly.Orchestrations.Embedded;

/// <summary>The recorded outcome of one action of a saga (a step result, an event, a timeout, a timer); replay returns it.</summary>
internal sealed record JournalEntry(int ActionId, string Kind, string Name, string? Payload, DateTimeOffset At)
{
    public const string StepCompleted = "step-completed";
    public const string StepFailed = "step-failed";
    public const string EventReceived = "event";
    public const string TimedOut = "timeout";
    public const string TimerFired = "timer";
}

/// <summary>What a step that failed on every attempt left in the journal.</summary>
internal sealed record StepFailure(string ErrorType, string Message);

/// <summary>A step the saga asked for that has no outcome yet: the step runner runs it once the turn that asked is journaled.</summary>
internal sealed record StepAction(int ActionId, string Name, JsonElement Input, StepRetryPolicy Retry);

/// <summary>An event raised for a saga and kept until a wait takes it (<see cref="Id"/> is its row, 0 until committed).</summary>
internal sealed class KeptEvent(long id, string name, string payload)
{
    public long Id { get; set; } = id;
    public string Name { get; } = name;
    public string Payload { get; } = payload;
}
