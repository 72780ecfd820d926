namespace Orderly.Embedded;

/// <summary>
/// A span of time during which one injected fault is on: opened for a duration, shut early on demand, shut by default.
/// The one clock rule every fault seam of embedded mode uses.
/// </summary>
public sealed class FaultWindow(TimeProvider time)
{
    private long _openUntilTicks;

    /// <summary>Turns the fault on from now for <paramref name="duration"/> (a new call replaces the old window).</summary>
    public void OpenFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        Interlocked.Exchange(ref _openUntilTicks, (time.GetUtcNow() + duration).UtcTicks);
    }

    /// <summary>Turns the fault off now.</summary>
    public void Shut() => Interlocked.Exchange(ref _openUntilTicks, 0);

    /// <summary>True while the fault is on.</summary>
    public bool IsOpen => Remaining > TimeSpan.Zero;

    /// <summary>How long the fault stays on; zero when it is off.</summary>
    public TimeSpan Remaining => TimeSpan.FromTicks(Math.Max(0, Interlocked.Read(ref _openUntilTicks) - time.GetUtcNow().UtcTicks));
}
