namespace Orderly.Resilience;

/// <summary>
/// Capped exponential backoff with jitter, the one retry delay of Orderly's loops: <see cref="First"/> after the first
/// failure, doubling with each failure in a row up to <see cref="Max"/>, each delay drawn from its upper half so that loops
/// that failed together do not retry together.
/// </summary>
public sealed record Backoff(TimeSpan First, TimeSpan Max)
{
    /// <summary>200 ms, doubling to 30 s: what a loop over local storage or a broker uses unless it says otherwise.</summary>
    public static Backoff Default { get; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));

    /// <summary>The delay after <paramref name="failuresInARow"/> failures (1 or more).</summary>
    public TimeSpan After(int failuresInARow)
    {
        var ms = Math.Min(First.TotalMilliseconds * Math.Pow(2, Math.Clamp(failuresInARow - 1, 0, 30)), Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble() * 0.5));
    }
}
