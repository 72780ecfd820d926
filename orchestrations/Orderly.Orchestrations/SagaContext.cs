using Microsoft.Extensions.Logging;

namespace Orderly.Orchestrations;

/// <summary>
/// What a saga may do: call steps, wait for events, wait, and report status. Modelled on Durable Task's
/// <c>TaskOrchestrationContext</c> so the Durable adapter is thin and the embedded runner is a faithful stand-in.
/// </summary>
/// <remarks>
/// Saga code is replayed from its journal: it must be deterministic. It takes time, ids and randomness only from here
/// (<see cref="CurrentUtcDateTime"/>, <see cref="NewGuid"/>), does no I/O, and does its work through steps.
/// </remarks>
public abstract class SagaContext
{
    /// <summary>The instance id (for the checkout: the order id).</summary>
    public abstract string InstanceId { get; }

    /// <summary>The saga's time: the same value at the same point of every replay; use it instead of the clock.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the saga re-runs code whose effects were already recorded (replay-safe logging uses it).</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>A GUID that is the same at the same point of every replay.</summary>
    public abstract Guid NewGuid();

    /// <summary>
    /// Runs the step (an activity) <paramref name="name"/> with <paramref name="input"/>, at least once, retrying per
    /// <paramref name="retry"/>; throws <see cref="StepFailedException"/> once the retries are spent.
    /// </summary>
    public abstract Task<TResult> CallStepAsync<TResult>(string name, object? input, StepRetryPolicy? retry = null);

    /// <summary>
    /// Waits for the external event <paramref name="name"/> or for <paramref name="timeout"/>, whichever comes first;
    /// the loser is cancelled. An event raised before the wait began is kept and delivered to it.
    /// </summary>
    public abstract Task<EventWaitResult<T>> WaitForEventAsync<T>(string name, TimeSpan timeout);

    /// <summary>
    /// Waits like <see cref="WaitForEventAsync{T}"/>, but a runtime whose timers cost something may keep one timer for
    /// successive waits: the timer an earlier wait armed is waited on while it fires no later than this wait's timeout, and
    /// re-armed for the rest when it fires first. A saga whose replies come quickly then leaves one timer behind, not one
    /// per wait. The history differs on Durable, so an instance uses one kind of wait from its start to its end.
    /// </summary>
    /// <remarks>Here the same as <see cref="WaitForEventAsync{T}"/>: a runtime whose timers are free keeps it so.</remarks>
    public virtual Task<EventWaitResult<T>> WaitForEventSharingTimerAsync<T>(string name, TimeSpan timeout) => WaitForEventAsync<T>(name, timeout);

    /// <summary>A durable delay (backoff between attempts); survives restarts.</summary>
    public abstract Task DelayAsync(TimeSpan delay);

    /// <summary>Publishes a serializable status that status queries return while the saga runs and after it ends.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>The logger factory behind <see cref="CreateReplaySafeLogger"/>.</summary>
    protected abstract ILoggerFactory LoggerFactory { get; }

    /// <summary>A logger that writes nothing while <see cref="IsReplaying"/>, so each line is logged once.</summary>
    public virtual ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(this, LoggerFactory.CreateLogger(categoryName));

    /// <summary>A replay-safe logger named for <typeparamref name="T"/>.</summary>
    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);

    private sealed class ReplaySafeLogger(SagaContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
