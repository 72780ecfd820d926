namespace Orderly.Resilience;

/// <summary>
/// A transient failure that says when trying again can succeed: a throttled store (its retry-after), an open circuit (when it lets
/// a trial through). The consumer pipeline reschedules the message for then, without spending one of its delivery attempts.
/// </summary>
public interface IRetryAfterHint
{
    /// <summary>How long from when the failure was raised until a new attempt is worth making; null when the failure did not say.</summary>
    TimeSpan? RetryAfter { get; }
}
