using System.Collections.Concurrent;

namespace Orderly.Resilience;

/// <summary>
/// Every background loop of a host (consumers, outbox relays, saga timers), each reporting through its <see cref="LoopReport"/>:
/// health reads <see cref="Snapshot"/> to say which loop is failing, since when and why.
/// </summary>
public sealed class BackgroundLoops(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, LoopReport> _loops = new(StringComparer.Ordinal);

    /// <summary>The report of the loop called <paramref name="name"/> (one per name; asking again gives the same one).</summary>
    public LoopReport For(string name) => _loops.GetOrAdd(name, n => new LoopReport(n, time));

    /// <summary>Every loop's state now, by name.</summary>
    public IReadOnlyList<LoopState> Snapshot() => _loops.Values.Select(l => l.State).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
}

/// <summary>One loop's state: running, or failing since <see cref="FailingSince"/> after <see cref="Failures"/> failures in a row.</summary>
public sealed record LoopState(string Name, DateTimeOffset? FailingSince, int Failures, string? LastError, DateTimeOffset? LastSuccess)
{
    public bool IsFailing => FailingSince is not null;
}

/// <summary>What one loop tells health: each round that worked, and each fault (which also gives the delay before it retries).</summary>
public sealed class LoopReport(string name, TimeProvider time)
{
    private readonly Lock _lock = new();
    private LoopState _state = new(name, null, 0, null, null);

    public string Name { get; } = name;

    public LoopState State
    {
        get { lock (_lock) return _state; }
    }

    /// <summary>A round worked: the loop is healthy again (a failing streak ends here).</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            if (_state.FailingSince is null && _state.LastSuccess is { } last && time.GetUtcNow() - last < TimeSpan.FromSeconds(1)) return;
            _state = _state with { FailingSince = null, Failures = 0, LastSuccess = time.GetUtcNow() };
        }
    }

    /// <summary>A round failed: records it and returns how long to wait before the next try, by <paramref name="backoff"/>.</summary>
    public TimeSpan Failed(Exception error, Backoff? backoff = null)
    {
        int failures;
        lock (_lock)
        {
            failures = _state.Failures + 1;
            _state = _state with
            {
                FailingSince = _state.FailingSince ?? time.GetUtcNow(),
                Failures = failures,
                LastError = $"{error.GetType().Name}: {error.Message}",
            };
        }
        return (backoff ?? Backoff.Default).After(failures);
    }
}
