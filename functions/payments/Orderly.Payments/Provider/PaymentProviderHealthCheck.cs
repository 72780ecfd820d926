using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orderly.Payments.Provider;

/// <summary>
/// The payment provider's circuit, in <c>GET /api/health</c>: Healthy while closed, Degraded while open or half-open (payments
/// fail fast and are retried at <c>retryAt</c>; the rest of the app is fine), with the distinct payments that failed within the
/// sampling window and the breaker's settings. An open circuit stays Open (Degraded) past <c>retryAt</c> until a payment call
/// comes along to try the provider. It names the provider (<c>Payments:Provider</c>), so an operator sees at a glance when an
/// app is on the simulated one.
/// </summary>
public sealed class PaymentProviderHealthCheck(ResilientPaymentProvider circuit) : IHealthCheck
{
    /// <summary>The entry's name in the health report.</summary>
    public const string Name = "payment-provider";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = circuit.Snapshot();
        var settings = circuit.Options.CircuitBreaker;
        var data = new Dictionary<string, object>
        {
            ["provider"] = circuit.Options.Provider,
            ["circuit"] = now.State.ToString(),
            ["failedPayments"] = now.FailedPayments,
            ["failureRatio"] = settings.FailureRatio,
            ["minimumThroughput"] = settings.MinimumThroughput,
            ["samplingDurationMs"] = (long)settings.SamplingDuration.TotalMilliseconds,
            ["breakDurationMs"] = (long)settings.BreakDuration.TotalMilliseconds,
        };
        if (now.OpenedAt is { } openedAt) data["openedAt"] = openedAt;
        if (now.RetryAt is { } retryAt) data["retryAt"] = retryAt;
        return Task.FromResult(now.State switch
        {
            ProviderCircuitState.Closed => HealthCheckResult.Healthy("circuit closed: calling the payment provider", data),
            ProviderCircuitState.HalfOpen => HealthCheckResult.Degraded("circuit half-open: a trial call is testing the payment provider", data: data),
            _ => HealthCheckResult.Degraded($"circuit open: {now.FailedPayments} distinct payments failed at the provider lately; payments fail " +
                "fast and are retried at retryAt, when the first call tries the provider again", data: data),
        });
    }
}
