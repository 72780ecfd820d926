namespace Orderly.Payments.Provider;

/// <summary>Whether payments calls the provider: Closed (yes), Open (no: calls fail fast), HalfOpen (one trial call at a time).</summary>
public enum ProviderCircuitState { Closed, Open, HalfOpen }

/// <summary>
/// What the circuit looks like now (for health): its state, how many distinct payments failed within the sampling window, and
/// when it opened and may let a call through again.
/// </summary>
public sealed record ProviderCircuitSnapshot(ProviderCircuitState State, int FailedPayments, DateTimeOffset? OpenedAt, DateTimeOffset? RetryAt);
