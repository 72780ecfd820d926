using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Functions;

/// <summary>The saga context over Durable Task's <see cref="TaskOrchestrationContext"/>: the whole adapter between the saga and Durable.</summary>
public sealed class DurableSagaContext(TaskOrchestrationContext inner) : SagaContext
{
    public override string InstanceId => inner.InstanceId;

    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    public override bool IsReplaying => inner.IsReplaying;

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance; // unused: replay-safe loggers come from Durable

    public override Guid NewGuid() => inner.NewGuid();

    public override async Task<TResult> CallStepAsync<TResult>(string name, object? input, StepRetryPolicy? retry = null)
    {
        // RetryPolicy rejects a zero first interval; one attempt needs no policy.
        var options = retry is { MaxAttempts: > 1 } && retry.FirstRetryInterval > TimeSpan.Zero
            ? TaskOptions.FromRetryPolicy(new RetryPolicy(retry.MaxAttempts, retry.FirstRetryInterval, Math.Max(1.0, retry.BackoffCoefficient), retry.MaxRetryInterval))
            : null;
        try
        {
            return await inner.CallActivityAsync<TResult>(name, input, options);
        }
        catch (TaskFailedException ex)
        {
            throw new StepFailedException(name, ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage, ex);
        }
    }

    public override async Task<EventWaitResult<T>> WaitForEventAsync<T>(string name, TimeSpan timeout)
    {
        // A durable timer against the event; the loser is cancelled, or an uncancelled timer keeps the instance Running.
        using var timerCts = new CancellationTokenSource();
        using var eventCts = new CancellationTokenSource();
        var timer = inner.CreateTimer(inner.CurrentUtcDateTime.Add(timeout), timerCts.Token);
        var received = inner.WaitForExternalEvent<T>(name, eventCts.Token);
        if (await Task.WhenAny(received, timer) == received)
        {
            timerCts.Cancel();
            return EventWaitResult<T>.Received(await received);
        }
        eventCts.Cancel();
        return EventWaitResult<T>.Timeout();
    }

    public override Task DelayAsync(TimeSpan delay) => inner.CreateTimer(inner.CurrentUtcDateTime.Add(delay), CancellationToken.None);

    // Serialized here with the saga's camelCase settings, so GET /api/checkout answers the same JSON as in embedded mode.
    public override void SetCustomStatus(object? customStatus) =>
        inner.SetCustomStatus(customStatus is null ? null : JsonSerializer.SerializeToElement(customStatus, SagaRegistration.JsonOptions));

    public override ILogger CreateReplaySafeLogger(string categoryName) => inner.CreateReplaySafeLogger(categoryName);
}
