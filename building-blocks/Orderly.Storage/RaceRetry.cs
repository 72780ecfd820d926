using Orderly.Resilience;

namespace Orderly.Storage;

/// <summary>
/// The one rule for a write that lost an optimistic-concurrency race (a stale ETag, or a create that another create beat):
/// load, decide and save again from fresh reads, after a short jittered <see cref="Backoff"/>, up to <see cref="MaxAttempts"/>
/// times in all; then give up with a <see cref="RaceLostException"/> saying what kept changing. A lost race is not a fault,
/// so nothing is logged here; a caller that wants to see each loss passes <c>onLost</c>.
/// </summary>
public sealed record RaceRetry
{
    /// <summary>
    /// 12 attempts, 2 ms doubling to 50 ms (at most ~0.4 s in all): enough for many orders competing for a product's last
    /// unit, the hottest document in the shop, and short enough that an HTTP caller is answered at once.
    /// </summary>
    public static RaceRetry Default { get; } = new(12, new Backoff(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(50)));

    public RaceRetry(int maxAttempts, Backoff backoff)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentNullException.ThrowIfNull(backoff);
        MaxAttempts = maxAttempts;
        Backoff = backoff;
    }

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; }

    /// <summary>The wait before each attempt after a lost race.</summary>
    public Backoff Backoff { get; }

    /// <summary>Whether <paramref name="error"/> is a lost race (rereading and deciding again is the cure).</summary>
    public static bool IsLostRace(Exception error) => error is ConcurrencyException or DocumentConflictException;

    /// <summary>
    /// Runs <paramref name="attempt"/> (load, decide, save: all of it, so that each attempt decides on fresh reads) until it
    /// does not lose a race. Any other failure passes through at once.
    /// </summary>
    /// <param name="what">What is written, for the give-up message ("product 'mug'").</param>
    /// <param name="onLost">Called with each lost race and its attempt number before the next attempt.</param>
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken,
        Action<DocumentStoreException, int>? onLost = null)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (DocumentStoreException lost) when (IsLostRace(lost))
            {
                if (n >= MaxAttempts) throw new RaceLostException(what, n, lost);
                onLost?.Invoke(lost, n);
                await Task.Delay(Backoff.After(n), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>
/// A write lost its race every time <see cref="RaceRetry"/> tried: others kept changing the document. Transient: a later
/// try (the bus's redelivery, the caller's retry) will usually find it quiet.
/// </summary>
public sealed class RaceLostException(string what, int attempts, DocumentStoreException lastLoss)
    : DocumentStoreException($"Gave up writing {what} after {attempts} attempts: it changed under each one (last: {lastLoss.Message})", lastLoss.WriteIndex, lastLoss)
{
    /// <summary>How many attempts lost.</summary>
    public int Attempts { get; } = attempts;

    public override bool IsTransient => true;
}
