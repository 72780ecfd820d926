namespace Orderly.Payments.Provider;

/// <summary>
/// Which payments failed at the provider lately (within the breaker's sampling window and break), so that each one's failure counts once: the
/// redeliveries of one payment whose token hangs are that customer's trouble, not evidence that the provider is down. Keyed by
/// the payment (the order id for an authorization, the provider reference for a capture or void). Bounded: entries leave when
/// their window ends, and past <see cref="Capacity"/> keys (keys follow callers' orders) the memory starts over, which at worst
/// counts a payment twice.
/// </summary>
public sealed class FailedPayments(TimeSpan window, TimeProvider time)
{
    public const int Capacity = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _failedAt = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="payment"/> failed within the window: its next call is a retry, not news about the provider.</summary>
    public bool HasFailed(string payment)
    {
        var now = time.GetUtcNow();
        lock (_lock) return _failedAt.TryGetValue(payment, out var at) && now - at < window;
    }

    /// <summary>Records a failure of <paramref name="payment"/>; the window counts from its first failure.</summary>
    public void Remember(string payment)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_failedAt.TryGetValue(payment, out var at) && now - at < window) return;
            if (_failedAt.Count >= Capacity) Forget(now);
            _failedAt[payment] = now;
        }
    }

    /// <summary>Distinct payments that failed within the window (for health).</summary>
    public int InWindow
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_lock) return _failedAt.Values.Count(at => now - at < window);
        }
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (payment, at) in _failedAt.Where(e => now - e.Value >= window).ToList()) _failedAt.Remove(payment);
        if (_failedAt.Count >= Capacity) _failedAt.Clear();
    }
}
