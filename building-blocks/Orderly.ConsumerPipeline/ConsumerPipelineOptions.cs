using Microsoft.Extensions.Configuration;

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

    /// <summary>Overrides the defaults with whatever <paramref name="section"/> sets (<c>MaxDeliveryCount</c>, <c>MaxDeferrals</c>, <c>BaseDelay</c>, <c>MaxDelay</c> as <c>hh:mm:ss.fff</c>, <c>InboxTimeToLive</c>).</summary>
    public void ReadFrom(IConfiguration section)
    {
        if (int.TryParse(section[nameof(MaxDeliveryCount)], out var max)) MaxDeliveryCount = max;
        if (TimeSpan.TryParse(section[nameof(BaseDelay)], System.Globalization.CultureInfo.InvariantCulture, out var b)) BaseDelay = b;
        if (TimeSpan.TryParse(section[nameof(MaxDelay)], System.Globalization.CultureInfo.InvariantCulture, out var m)) MaxDelay = m;
        if (int.TryParse(section[nameof(MaxRaceRetries)], out var races)) MaxRaceRetries = Math.Max(0, races);
        if (int.TryParse(section[nameof(MaxDeferrals)], out var deferrals)) MaxDeferrals = Math.Max(0, deferrals);
        if (TimeSpan.TryParse(section[nameof(InboxTimeToLive)], System.Globalization.CultureInfo.InvariantCulture, out var t)) InboxTimeToLive = t;
        if (MaxDeliveryCount < 1) throw new InvalidOperationException($"{Section}:{nameof(MaxDeliveryCount)} must be at least 1.");
    }
}
