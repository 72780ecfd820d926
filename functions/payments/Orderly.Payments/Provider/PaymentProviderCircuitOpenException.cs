namespace Orderly.Payments.Provider;

/// <summary>
/// The payment provider was not called: it failed too often in a row, and calls fail fast until <see cref="RetryAt"/>. Transient
/// (the consumer pipeline redelivers the command with backoff), like the <see cref="TimeoutException"/> it saves waiting for.
/// </summary>
public sealed class PaymentProviderCircuitOpenException(string message, DateTimeOffset retryAt) : Exception(message)
{
    /// <summary>When the next call is let through to the provider as a trial.</summary>
    public DateTimeOffset RetryAt { get; } = retryAt;
}
