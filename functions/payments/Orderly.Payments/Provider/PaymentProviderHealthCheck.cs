using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orderly.Payments.Provider;

/// <summary>
/// The payment provider's circuit, in <c>GET /api/health</c>: Healthy while closed, Degraded while open or half-open (payments
/// fail fast and are retried later; the rest of the app is fine), with the failures in a row and when a trial call is due.
/// An open circuit stays Open (Degraded) past <c>retryAt</c> until a payment call comes along to try the provider. It names the
/// provider (<c>Payments:Provider</c>), so an operator sees at a glance when an app is on the simulated one.
/// </summary>
public sealed class PaymentProviderHealthCheck(CircuitBreakingPaymentProvider circuit, PaymentsOptions options) : IHealthCheck
{
    /// <summary>The entry's name in the health report.</summary>
    public const string Name = "payment-provider";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = circuit.Snapshot();
        var data = new Dictionary<string, object>
        {
            ["provider"] = options.Provider,
            ["circuit"] = now.State.ToString(),
            ["consecutiveFailures"] = now.ConsecutiveFailures,
            ["failureThreshold"] = circuit.Options.FailureThreshold,
            ["breakDurationMs"] = (long)circuit.Options.BreakDuration.TotalMilliseconds,
        };
        if (now.OpenedAt is { } openedAt) data["openedAt"] = openedAt;
        if (now.RetryAt is { } retryAt) data["retryAt"] = retryAt;
        return Task.FromResult(now.State switch
        {
            ProviderCircuitState.Closed => HealthCheckResult.Healthy("circuit closed: calling the payment provider", data),
            ProviderCircuitState.HalfOpen => HealthCheckResult.Degraded("circuit half-open: a trial call is testing the payment provider", data: data),
            _ => HealthCheckResult.Degraded($"circuit open: the payment provider failed {now.ConsecutiveFailures} times in a row; payments fail fast " +
                "and are retried, and the first call after retryAt tries the provider again", data: data),
        });
    }
}
