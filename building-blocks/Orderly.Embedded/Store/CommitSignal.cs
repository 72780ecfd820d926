using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Orderly.Embedded.Store;

/// <summary>Wakes the outbox feed of a container when a batch with outbox records has committed.</summary>
internal sealed class CommitSignal
{
    private static readonly ConditionalWeakTable<SqliteDatabase, ConcurrentDictionary<string, CommitSignal>> Signals = [];

    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;

    /// <summary>The signal of one container of one database (store and feed find the same one).</summary>
    public static CommitSignal For(SqliteDatabase database, string container) =>
        Signals.GetValue(database, _ => new ConcurrentDictionary<string, CommitSignal>(StringComparer.Ordinal))
            .GetOrAdd(container, _ => new CommitSignal());

    /// <summary>How many notifications so far; a reader remembers it to notice commits it has not waited for.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public void Notify()
    {
        // Generation first, then swap: a waiter that took the old task is woken, one that took the new sees the new generation.
        Interlocked.Increment(ref _generation);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes at the first notification after <paramref name="seenGeneration"/>, or after <paramref name="maxWait"/>.</summary>
    public async Task WaitAsync(long seenGeneration, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _next).Task;
        if (Generation != seenGeneration) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(maxWait, timeout.Token);
        await Task.WhenAny(next, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
