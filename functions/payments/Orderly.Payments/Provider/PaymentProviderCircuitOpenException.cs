using Orderly.Resilience;

namespace Orderly.Payments.Provider;

/// <summary>
/// The payment provider was not called: too many distinct payments failed lately, and calls fail fast until <see cref="RetryAt"/>.
/// Transient, with its hint: the consumer pipeline reschedules the command for then without spending a delivery attempt.
/// </summary>
public sealed class PaymentProviderCircuitOpenException(string message, DateTimeOffset retryAt, DateTimeOffset now) : Exception(message), IRetryAfterHint
{
    /// <summary>When the circuit may let a call through again (the trial's turn, or the trial's answer).</summary>
    public DateTimeOffset RetryAt { get; } = retryAt;

    /// <inheritdoc />
    public TimeSpan? RetryAfter { get; } = retryAt > now ? retryAt - now : TimeSpan.Zero;
}
