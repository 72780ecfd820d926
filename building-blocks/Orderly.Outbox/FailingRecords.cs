using System.Collections.Concurrent;
using Orderly.Resilience;

namespace Orderly.Outbox;

/// <summary>
/// What the relay remembers of the records that failed to publish: failures in a row, attempts charged (the failures that
/// were the record's own), the last error, and when the record may be tried again. Forgotten once it is published or parked;
/// kept in memory only, so a restart gives a failing record its attempts afresh (it is parked later, never lost).
/// </summary>
internal sealed class FailingRecords(Backoff backoff)
{
    /// <summary>More than this many failing records at once (only a change-feed relay, which cannot prune, gets near it): start afresh.</summary>
    private const int MaxTracked = 10_000;

    private readonly ConcurrentDictionary<(string PartitionKey, string DocumentId), Failing> _records = new();

    // Records parked by this relay: a change-feed batch that runs again still holds them, and they count as settled there.
    private readonly ConcurrentDictionary<(string PartitionKey, string DocumentId), bool> _parked = new();

    /// <summary>
    /// One failing record's state: <see cref="FirstRound"/> is the relay round it first failed in, <see cref="RetryAt"/> is in
    /// <see cref="Environment.TickCount64"/> milliseconds.
    /// </summary>
    public sealed record Failing(int Failures, int Attempts, long FirstRound, long RetryAt, string LastError);

    /// <summary>True while the record waits out its retry delay.</summary>
    public bool IsWaiting(PendingOutboxRecord record, long now) =>
        _records.TryGetValue(Key(record), out var failing) && failing.RetryAt > now;

    /// <summary>
    /// Records a failure in relay round <paramref name="round"/> and returns the record's state. It is charged as an attempt when
    /// it is the record's own: <paramref name="ownFault"/>, or its destination took a record in a round since the record first
    /// failed (<paramref name="destinationTookInRound"/>, 0 when never): the bus was up for it while this record was refused.
    /// </summary>
    public Failing Failed(PendingOutboxRecord record, Exception error, bool ownFault, long round, long destinationTookInRound, long now)
    {
        if (_records.Count >= MaxTracked) _records.Clear();
        return _records.AddOrUpdate(Key(record),
            _ => Next(new Failing(0, 0, round, 0, ""), error, ownFault, destinationTookInRound, now),
            (_, before) => Next(before, error, ownFault, destinationTookInRound, now));
    }

    public void Forget(PendingOutboxRecord record) => _records.TryRemove(Key(record), out _);

    /// <summary>The record was parked (or left the outbox otherwise): it is no longer failing, and is settled.</summary>
    public void Parked(PendingOutboxRecord record)
    {
        Forget(record);
        if (_parked.Count >= MaxTracked) _parked.Clear();
        _parked[Key(record)] = true;
    }

    /// <summary>True when this relay parked the record already.</summary>
    public bool WasParked(PendingOutboxRecord record) => _parked.ContainsKey(Key(record));

    /// <summary>
    /// Drops the records no longer pending (a loop relay reads from the oldest, so a failing record is always in its window,
    /// and a parked one is never read again).
    /// </summary>
    public void KeepOnly(IReadOnlyList<PendingOutboxRecord> pending)
    {
        _parked.Clear();
        if (_records.IsEmpty) return;
        var still = pending.Select(Key).ToHashSet();
        foreach (var key in _records.Keys)
            if (!still.Contains(key)) _records.TryRemove(key, out _);
    }

    private Failing Next(Failing before, Exception error, bool ownFault, long destinationTookInRound, long now)
    {
        var failures = before.Failures + 1;
        var charged = ownFault || destinationTookInRound >= before.FirstRound;
        return before with
        {
            Failures = failures,
            Attempts = before.Attempts + (charged ? 1 : 0),
            RetryAt = now + (long)backoff.After(failures).TotalMilliseconds,
            LastError = $"{error.GetType().Name}: {error.Message}",
        };
    }

    private static (string, string) Key(PendingOutboxRecord record) => (record.PartitionKey, record.DocumentId);
}
