namespace Orderly.Outbox;

/// <summary>How the outbox relay reads, waits and backs off.</summary>
public sealed class OutboxRelayOptions
{
    /// <summary>Records read and published per round.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>The longest the relay sleeps when nothing is pending (the feed wakes it earlier on a commit).</summary>
    public TimeSpan IdleWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first delay after a failed round; it doubles per consecutive failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two failed rounds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Test hook, called after a round is published and before it is acknowledged: the window in which a crash makes the relay
    /// publish the same messages again (with the same ids). Null in production.
    /// </summary>
    public Func<IReadOnlyList<PendingOutboxRecord>, Task>? AfterPublish { get; set; }
}
