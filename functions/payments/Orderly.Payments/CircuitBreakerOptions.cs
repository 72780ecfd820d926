namespace Orderly.Payments;

/// <summary>
/// When the payment-provider circuit opens and for how long: after <see cref="FailureThreshold"/> provider failures or
/// timeouts in a row, calls fail fast for <see cref="BreakDuration"/>, then one trial call is let through.
/// </summary>
public sealed record CircuitBreakerOptions(int FailureThreshold, TimeSpan BreakDuration)
{
    public const int DefaultFailureThreshold = 5;

    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(30);

    public static CircuitBreakerOptions Default { get; } = new(DefaultFailureThreshold, DefaultBreakDuration);
}
