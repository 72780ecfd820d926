namespace Orderly.Payments;

/// <summary>
/// When the payment-provider circuit opens and for how long: when, within <see cref="SamplingDuration"/>, at least
/// <see cref="MinimumThroughput"/> payments were tried and at least <see cref="FailureRatio"/> of them failed (each payment
/// counted once, however often it is retried), calls fail fast for <see cref="BreakDuration"/>, then one trial call is let through.
/// </summary>
public sealed record CircuitBreakerOptions(double FailureRatio, int MinimumThroughput, TimeSpan SamplingDuration, TimeSpan BreakDuration)
{
    public const double DefaultFailureRatio = 0.5;

    public const int DefaultMinimumThroughput = 5;

    public static readonly TimeSpan DefaultSamplingDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>The shortest sampling window and break the breaker (Polly) accepts.</summary>
    public static readonly TimeSpan ShortestDuration = TimeSpan.FromMilliseconds(500);

    public static CircuitBreakerOptions Default { get; } = new(DefaultFailureRatio, DefaultMinimumThroughput, DefaultSamplingDuration, DefaultBreakDuration);
}
