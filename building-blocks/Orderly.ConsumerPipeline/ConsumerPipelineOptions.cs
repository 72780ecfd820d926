using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.ConsumerPipeline;

/// <summary>How the pipeline retries (configuration section <c>Messaging:Consumer</c>).</summary>
public sealed class ConsumerPipelineOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string Section = "Messaging:Consumer";

    /// <summary>Attempts before a transiently failing message is dead-lettered (keep it at or below the entity's own max delivery count).</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>
    /// Times a message may be deferred: rescheduled for when its failure said to come back (<see cref="Orderly.Resilience.IRetryAfterHint"/>:
    /// an open circuit, a throttled store) without spending a delivery attempt. Past that, such a failure spends attempts like any
    /// other, so a dependency that never recovers still ends in the dead-letter queue. 30 deferrals behind a 30 s circuit break
    /// are at least 15 minutes.
    /// </summary>
    public int MaxDeferrals { get; set; } = 30;

    /// <summary>The delay before the second attempt; it doubles with each attempt after that.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Times a message whose batch lost an optimistic-concurrency race is handled again at once, in process, before it is left
    /// to redelivery with backoff (a lost race is not a fault: rereading and deciding again is the cure, and it is cheaper and
    /// quicker than a round trip through the broker).
    /// </summary>
    public int MaxRaceRetries { get; set; } = 5;

    /// <summary>How long the inbox remembers a handled message (longer than any redelivery or relay retry can take).</summary>
    public TimeSpan InboxTimeToLive { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The delay after failed attempt <paramref name="attempt"/> (1-based): exponential, capped, with jitter between half and
    /// all of it, so messages that failed together do not all come back at the same instant.
    /// </summary>
    public TimeSpan Backoff(int attempt)
        => new Orderly.Resilience.Backoff(BaseDelay, MaxDelay).After(attempt);

    /// <summary>
    /// Overrides the defaults with whatever <paramref name="section"/> sets (<c>MaxDeliveryCount</c> from 1, <c>MaxDeferrals</c> and
    /// <c>MaxRaceRetries</c> from 0, <c>BaseDelay</c>, <c>MaxDelay</c> and <c>InboxTimeToLive</c> as seconds or <c>hh:mm:ss.fff</c>);
    /// a value that does not read, or is out of range, is a <see cref="SettingException"/> naming it.
    /// </summary>
    public ConsumerPipelineOptions ReadFrom(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        MaxDeliveryCount = section.ReadInt(nameof(MaxDeliveryCount), MaxDeliveryCount, least: 1);
        BaseDelay = section.ReadDuration(nameof(BaseDelay), BaseDelay);
        MaxDelay = section.ReadDuration(nameof(MaxDelay), MaxDelay);
        MaxRaceRetries = section.ReadInt(nameof(MaxRaceRetries), MaxRaceRetries, least: 0);
        MaxDeferrals = section.ReadInt(nameof(MaxDeferrals), MaxDeferrals, least: 0);
        InboxTimeToLive = section.ReadDuration(nameof(InboxTimeToLive), InboxTimeToLive);
        return this;
    }
}
