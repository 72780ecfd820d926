using System.Diagnostics;
using Orderly.Messaging.Tracing;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Saga;

/// <summary>
/// Turns a checkout's status, each time the saga publishes it, into telemetry: a finished step's (or compensation's) duration
/// and a span in the order's trace, and the outcome once the saga ends. Like the replay-safe logger, it measures only what
/// happens for the first time: a replay walks past the same records again and is not counted twice.
/// </summary>
/// <remarks>
/// Durations are saga time (<see cref="SagaContext.CurrentUtcDateTime"/>): from asking a service to the turn that saw its
/// outcome, queueing included, which is what a step costs the checkout.
/// </remarks>
internal sealed class CheckoutMeasurements(SagaContext context, string? traceParent)
{
    private readonly HashSet<object> _seen = new(ReferenceEqualityComparer.Instance);
    private bool _ended;

    /// <summary>Measures what finished since the last call; called after every status publication.</summary>
    public void Observe(CheckoutStatus status)
    {
        foreach (var step in status.Steps)
            if (step.FinishedAt is { } finished) Finished(step, step.Name, step.StartedAt, finished, step.Status);
        foreach (var compensation in status.Compensations)
            if (compensation is { StartedAt: { } started, FinishedAt: { } finished })
                Finished(compensation, compensation.Name, started, finished, compensation.Status);
        if (_ended || status.Status == CheckoutStatus.Running) return;
        _ended = true;
        if (!context.IsReplaying) OrderlyMetrics.CheckoutEnded(status.Status.ToLowerInvariant());
    }

    private void Finished(object record, string name, DateTimeOffset started, DateTimeOffset finished, string outcome)
    {
        if (!_seen.Add(record) || context.IsReplaying) return;
        OrderlyMetrics.StepFinished(name, finished - started);
        // The span is written after the fact, with the saga's own times, in the trace of the order.
        using var span = OrderlyTelemetry.StartDetached(OrderlyTelemetry.SagaSource, "saga step " + name, ActivityKind.Internal, traceParent, started);
        if (span is null) return;
        span.SetTag(OrderlyTelemetry.ContextTag, CheckoutModule.Name);
        span.SetTag(OrderlyMetrics.StepTag, name);
        span.SetTag("orderly.saga.step.outcome", outcome);
        span.SetTag("orderly.order.id", context.InstanceId);
        span.SetEndTime(finished.UtcDateTime);
    }
}
