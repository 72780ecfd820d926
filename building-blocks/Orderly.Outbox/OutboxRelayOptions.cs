using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.Outbox;

/// <summary>How the outbox relay reads, waits, backs off and gives up on a record (configuration section <c>Outbox:Relay</c>).</summary>
public sealed class OutboxRelayOptions
{
    /// <summary>The configuration section the options are read from (env <c>Outbox__Relay__MaxPublishAttempts</c> etc.).</summary>
    public const string Section = "Outbox:Relay";

    /// <summary>Records read and published per round.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>The longest the relay sleeps when nothing is pending (the feed wakes it earlier on a commit).</summary>
    public TimeSpan IdleWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The first delay after a failed round, or before a failed record is tried again; it doubles per consecutive failure up
    /// to <see cref="MaxRetryDelay"/>.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two failed rounds, or two tries of one record.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed attempts after which a record is parked for triage instead of tried again. An attempt counts only when the failure
    /// is the record's own: it cannot be made into a message, or the bus took another record for the same destination since
    /// this one first failed (an outage of the bus or of a destination parks nothing new). With the default (jittered) delays, 10
    /// attempts span 40 to 80 s.
    /// </summary>
    public int MaxPublishAttempts { get; set; } = 10;

    /// <summary>
    /// Test hook, called after a round is published and before it is acknowledged: the window in which a crash makes the relay
    /// publish the same messages again (with the same ids). Null in production.
    /// </summary>
    public Func<IReadOnlyList<PendingOutboxRecord>, Task>? AfterPublish { get; set; }

    /// <summary>
    /// Overrides the defaults with whatever <paramref name="section"/> sets (<c>BatchSize</c>, <c>MaxPublishAttempts</c>, and
    /// <c>IdleWait</c>, <c>RetryDelay</c>, <c>MaxRetryDelay</c> as seconds or <c>hh:mm:ss.fff</c>, above zero and at most an hour);
    /// a value that does not read, or is out of range, is a <see cref="SettingException"/> naming it.
    /// </summary>
    public OutboxRelayOptions ReadFrom(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        BatchSize = section.ReadInt(nameof(BatchSize), BatchSize, 1, 10_000);
        MaxPublishAttempts = section.ReadInt(nameof(MaxPublishAttempts), MaxPublishAttempts, 1, 1_000);
        IdleWait = section.ReadDuration(nameof(IdleWait), IdleWait, most: LongestWait);
        RetryDelay = section.ReadDuration(nameof(RetryDelay), RetryDelay, most: LongestWait);
        MaxRetryDelay = section.ReadDuration(nameof(MaxRetryDelay), MaxRetryDelay, most: LongestWait);
        if (MaxRetryDelay < RetryDelay)
            throw SettingReader.Refuse(section, nameof(MaxRetryDelay), $"{MaxRetryDelay} is below {nameof(RetryDelay)} ({RetryDelay}); set it to at least that");
        return this;
    }

    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);
}
