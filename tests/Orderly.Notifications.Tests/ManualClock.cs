namespace Orderly.Notifications.Tests;

/// <summary>A clock the test moves by hand, so event times and ordering are exact.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public DateTimeOffset Advance(TimeSpan by) => _now += by;
}
