using System.Globalization;
using Microsoft.Extensions.Configuration;

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
    /// <c>IdleWait</c>, <c>RetryDelay</c>, <c>MaxRetryDelay</c> as <c>hh:mm:ss.fff</c>); a value that does not read, or is out of
    /// range, fails the start naming the setting.
    /// </summary>
    public OutboxRelayOptions ReadFrom(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        BatchSize = Int(section, nameof(BatchSize), BatchSize, 1, 10_000);
        MaxPublishAttempts = Int(section, nameof(MaxPublishAttempts), MaxPublishAttempts, 1, 1_000);
        IdleWait = Duration(section, nameof(IdleWait), IdleWait);
        RetryDelay = Duration(section, nameof(RetryDelay), RetryDelay);
        MaxRetryDelay = Duration(section, nameof(MaxRetryDelay), MaxRetryDelay);
        if (MaxRetryDelay < RetryDelay) throw new InvalidOperationException($"{Section}:{nameof(MaxRetryDelay)} must be at least {nameof(RetryDelay)} ({RetryDelay}).");
        return this;
    }

    private static int Int(IConfiguration section, string name, int current, int min, int max)
    {
        if (section[name] is not { } text) return current;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{Section}:{name} must be a whole number from {min} to {max}; it is '{text}'.");
    }

    private static TimeSpan Duration(IConfiguration section, string name, TimeSpan current)
    {
        if (section[name] is not { } text) return current;
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new InvalidOperationException($"{Section}:{name} must be a duration (hh:mm:ss.fff) above zero and at most an hour; it is '{text}'.");
    }
}
