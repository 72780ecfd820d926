namespace Orderly.Orchestrations;

/// <summary>How a failing step is retried: attempts and exponential backoff (the shape of Durable Task's RetryPolicy).</summary>
public sealed record StepRetryPolicy(int MaxAttempts, TimeSpan FirstRetryInterval, double BackoffCoefficient = 2.0, TimeSpan? MaxRetryInterval = null)
{
    /// <summary>One attempt, no retry.</summary>
    public static readonly StepRetryPolicy None = new(1, TimeSpan.Zero);

    /// <summary>The wait before attempt <paramref name="attempt"/> (2 = first retry).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        if (attempt <= 1) return TimeSpan.Zero;
        var ms = FirstRetryInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, attempt - 2);
        var max = (MaxRetryInterval ?? TimeSpan.FromHours(1)).TotalMilliseconds;
        return TimeSpan.FromMilliseconds(Math.Min(ms, max));
    }
}
