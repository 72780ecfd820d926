using Orderly.Messaging.Tracing;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Saga;

/// <summary>
/// Runs the checkout saga with every line of every run in the order's own trace. A run is resumed by whatever woke it: a
/// reply runs it inside that message's trace, but a step timer or a restart runs it outside any trace, where its lines (a
/// step timing out, the compensation starting) had no trace id. The scope is opened here, not in <see cref="CheckoutSaga"/>,
/// whose code calls nothing but its <see cref="SagaContext"/> (<c>SagaDeterminismTests</c>).
/// </summary>
public static class CheckoutSagaTracing
{
    /// <summary>Runs <see cref="CheckoutSaga"/> inside a log scope of the trace id of its traceparent and the order id.</summary>
    public static async Task<CheckoutStatus> RunAsync(SagaContext context, CheckoutInput input)
    {
        using var scope = OrderlyTelemetry.TraceIdOf(input.TraceParent) is { } traceId
            ? context.CreateReplaySafeLogger<CheckoutSaga>().BeginScope(TraceLogScope.ForTrace(traceId, input.OrderId))
            : null;
        return await CheckoutSaga.RunAsync(context, input);
    }
}
