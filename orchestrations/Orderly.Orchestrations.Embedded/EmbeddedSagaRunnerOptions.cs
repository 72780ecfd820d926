using Orderly.Resilience;

namespace Orderly.Orchestrations.Embedded;

/// <summary>Settings of the embedded saga runner (section <c>Sagas</c> in the local host).</summary>
public sealed class EmbeddedSagaRunnerOptions
{
    /// <summary>How many sagas run at once; the others wait as Pending, in start order (keeps a burst from flooding the services).</summary>
    public int MaxConcurrentSagas { get; set; } = 32;

    /// <summary>The longest the timer loop sleeps without being woken (a safety net; new timers wake it at once).</summary>
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a saga run or the timer loop waits after the store failed under it, before trying again.</summary>
    public Backoff RunRetryBackoff { get; set; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
}
