using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orderly.Orchestrations.Durable;

/// <summary>The saga context over Durable Task's <see cref="TaskOrchestrationContext"/>: the whole adapter between a saga and Durable.</summary>
/// <remarks>
/// Step inputs and results and event payloads cross Durable as <see cref="JsonElement"/>s written with
/// <see cref="SagaRegistration.JsonOptions"/>, so Durable's own data converter (PascalCase, case-sensitive) only copies JSON
/// and a saga reads exactly what it would read on the embedded runner. Every await stays on the orchestrator's thread (no
/// <c>ConfigureAwait(false)</c>): the Functions worker fails an orchestrator whose code continues anywhere else.
/// </remarks>
public sealed class DurableSagaContext(TaskOrchestrationContext inner) : SagaContext, IDisposable
{
    // The one timer the waits that share it are armed with, when it fires, and what cancels it.
    private Task? _sharedTimer;
    private DateTime _sharedFireAt;
    private CancellationTokenSource? _sharedTimerCancel;

    /// <summary>Durable's <see cref="RetryPolicy"/> rejects a zero interval; the embedded runner retries such a step at once.</summary>
    private static readonly TimeSpan ShortestRetryInterval = TimeSpan.FromMilliseconds(1);

    public override string InstanceId => inner.InstanceId;

    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    public override bool IsReplaying => inner.IsReplaying;

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance; // unused: replay-safe loggers come from Durable

    public override Guid NewGuid() => inner.NewGuid();

    public override async Task<TResult> CallStepAsync<TResult>(string name, object? input, StepRetryPolicy? retry = null)
    {
        JsonElement result;
        try
        {
            result = await inner.CallActivityAsync<JsonElement>(name, SagaJson(input), Options(retry));
        }
        catch (TaskFailedException ex)
        {
            throw new StepFailedException(name, ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage, ex);
        }
        return result.Deserialize<TResult>(SagaRegistration.JsonOptions)!;
    }

    public override async Task<EventWaitResult<T>> WaitForEventAsync<T>(string name, TimeSpan timeout)
    {
        // A durable timer against the event; the loser is cancelled, or an uncancelled timer keeps the instance Running.
        using var timerCts = new CancellationTokenSource();
        using var eventCts = new CancellationTokenSource();
        var timer = inner.CreateTimer(inner.CurrentUtcDateTime.Add(timeout), timerCts.Token);
        var received = inner.WaitForExternalEvent<JsonElement>(name, eventCts.Token);
        if (await Task.WhenAny(received, timer) == received)
        {
            timerCts.Cancel();
            return EventWaitResult<T>.Received((await received).Deserialize<T>(SagaRegistration.JsonOptions)!);
        }
        eventCts.Cancel();
        return EventWaitResult<T>.Timeout();
    }

    /// <remarks>
    /// A Durable timer cannot be taken back: cancelling it only stops the orchestration waiting for it (DTFx
    /// <c>TaskOrchestrationContext.CreateTimer</c> drops it from its open tasks), and its message still arrives when it is
    /// due, on Azure Storage a dequeue, a history read and a delete, after the saga may have ended. So the waits share one:
    /// successive waits of the same timeout each reuse the timer the first one armed, and only a saga that outlives it
    /// arms another. <see cref="Dispose"/> cancels the last one, which the orchestration would otherwise wait for.
    /// </remarks>
    public override async Task<EventWaitResult<T>> WaitForEventSharingTimerAsync<T>(string name, TimeSpan timeout)
    {
        var due = inner.CurrentUtcDateTime.Add(timeout);
        using var eventCts = new CancellationTokenSource();
        var received = inner.WaitForExternalEvent<JsonElement>(name, eventCts.Token);
        while (true)
        {
            if (_sharedTimer is null || _sharedTimer.IsCompleted || _sharedFireAt > due) ArmSharedTimer(due);
            var (timer, fireAt) = (_sharedTimer!, _sharedFireAt);
            if (await Task.WhenAny(received, timer) == received)
                return EventWaitResult<T>.Received((await received).Deserialize<T>(SagaRegistration.JsonOptions)!);
            if (timer.IsCanceled || fireAt < due) continue; // an earlier wait's timer: arm one for the rest of this wait
            eventCts.Cancel();
            return EventWaitResult<T>.Timeout();
        }
    }

    /// <summary>Cancels the shared timer, so the orchestration can complete without waiting for it to fire.</summary>
    public void Dispose()
    {
        _sharedTimerCancel?.Cancel();
        _sharedTimerCancel?.Dispose();
        _sharedTimerCancel = null;
    }

    private void ArmSharedTimer(DateTime fireAt)
    {
        Dispose(); // the one it replaces would fire too late for this wait
        _sharedTimerCancel = new CancellationTokenSource();
        _sharedTimer = inner.CreateTimer(fireAt, _sharedTimerCancel.Token);
        _sharedFireAt = fireAt;
    }

    public override Task DelayAsync(TimeSpan delay) => inner.CreateTimer(inner.CurrentUtcDateTime.Add(delay), CancellationToken.None);

    // Serialized here with the saga's camelCase settings, so GET /api/checkout answers the same JSON as in embedded mode.
    public override void SetCustomStatus(object? customStatus) =>
        inner.SetCustomStatus(customStatus is null ? null : SagaJson(customStatus));

    public override ILogger CreateReplaySafeLogger(string categoryName) => inner.CreateReplaySafeLogger(categoryName);

    /// <summary>A value as the saga's JSON (what every runtime stores and hands back).</summary>
    internal static JsonElement SagaJson(object? value) => JsonSerializer.SerializeToElement(value, SagaRegistration.JsonOptions);

    private static TaskOptions? Options(StepRetryPolicy? retry)
    {
        if (retry is not { MaxAttempts: > 1 }) return null; // one attempt needs no policy
        var first = retry.FirstRetryInterval > TimeSpan.Zero ? retry.FirstRetryInterval : ShortestRetryInterval;
        var max = retry.MaxRetryInterval is { } m && m < first ? first : retry.MaxRetryInterval;
        return TaskOptions.FromRetryPolicy(new RetryPolicy(retry.MaxAttempts, first, Math.Max(1.0, retry.BackoffCoefficient), max));
    }
}
