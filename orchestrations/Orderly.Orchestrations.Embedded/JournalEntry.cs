namespace Orderly.Orchestrations.Embedded;

/// <summary>The recorded outcome of one action of a saga (a step result, an event, a timeout, a timer); replay returns it.</summary>
internal sealed record JournalEntry(int ActionId, string Kind, string Name, string? Payload, DateTimeOffset At, long Seq)
{
    public const string StepCompleted = "step-completed";
    public const string StepFailed = "step-failed";
    public const string EventReceived = "event";
    public const string TimedOut = "timeout";
    public const string TimerFired = "timer";
}

/// <summary>What a step that failed on every attempt left in the journal.</summary>
internal sealed record StepFailure(string ErrorType, string Message);

/// <summary>An action the saga asked for that the journal has no outcome for yet.</summary>
internal abstract record SagaAction(int ActionId, string Name);

internal sealed record StepAction(int ActionId, string Name, string Input, StepRetryPolicy Retry) : SagaAction(ActionId, Name);

internal sealed record WaitAction(int ActionId, string Name, DateTimeOffset FireAt) : SagaAction(ActionId, Name);

internal sealed record DelayAction(int ActionId, DateTimeOffset FireAt) : SagaAction(ActionId, "delay");
