using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Orderly.Messaging;
using Orderly.Messaging.Tracing;
using Orderly.Resilience;
using Orderly.Storage;

namespace Orderly.Outbox;

/// <summary>
/// Publishes a container's outbox records in commit order, then acknowledges them. At-least-once: a crash between publish
/// and acknowledge publishes them again with the same message ids, which the bus's duplicate detection or the consumer's
/// inbox drops.
/// <para>
/// Poison is parked, never looped. When a round's publish fails, its records are published one at a time to find the ones at
/// fault; each of those waits out its own backoff, holding only the later records of its partition (per-aggregate order),
/// while every other partition goes on. A failure is charged to the record as an attempt only when it is the record's own:
/// it cannot be made into a message, or the bus took another record for the same destination since this one first failed.
/// So an outage of the bus, or of one destination, parks nothing that was not already failing alone: those records wait and
/// go when it heals. After
/// <see cref="OutboxRelayOptions.MaxPublishAttempts"/> attempts the record is parked (<see cref="ParkedOutbox"/>) with its last
/// error, and the later records of its partition are published. They do not wait for the parked one: the bus has no sessions,
/// so consumers already meet messages in any order (competing consumers, redelivery) and are written for it; holding an
/// aggregate's later messages for a person would instead stall its saga into a timeout.
/// </para>
/// </summary>
public sealed class OutboxRelay(IOutboxFeed feed, ParkedOutbox parked, IMessagePublisher publisher, OutboxRelayOptions options,
    ILogger<OutboxRelay> logger, LoopReport? report = null)
{
    /// <summary>Failures in a row of one destination, before any success in the round, after which it counts as out for that round.</summary>
    private const int DestinationOutAfter = 3;

    private readonly LoopReport _report = report ?? new BackgroundLoops(TimeProvider.System).For("outbox relay");
    private readonly Backoff _backoff = new(options.RetryDelay, options.MaxRetryDelay);
    private readonly FailingRecords _failing = new(new Backoff(options.RetryDelay, options.MaxRetryDelay));
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _destinationTookInRound = new(StringComparer.Ordinal);
    private long _rounds;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled: publish what is pending, wait for more, repeat.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var done = await PublishPendingOnceAsync(cancellationToken).ConfigureAwait(false);
                _report.Succeeded();
                if (done < options.BatchSize)
                    await feed.WaitForRecordsAsync(options.IdleWait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = _report.Failed(ex, _backoff);
                logger.LogWarning(ex, "Outbox relay round failed ({Failures} in a row); retrying in {DelayMs} ms, nothing dropped",
                    _report.State.Failures, (int)delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// One round of the relay loop: reads up to the batch size of pending records, publishes and acknowledges what it can, parks
    /// what ran out of attempts, and returns how many records left the outbox. A record waiting out its retry delay is skipped
    /// (with the rest of its partition). Throws when nothing could be published and something failed: the loop then backs off.
    /// </summary>
    public async Task<int> PublishPendingOnceAsync(CancellationToken cancellationToken = default)
    {
        var pending = await feed.ReadPendingAsync(options.BatchSize, cancellationToken).ConfigureAwait(false);
        _failing.KeepOnly(pending);
        if (pending.Count == 0) return 0;
        var round = await RelayRoundAsync(pending, waitOutRetries: true, cancellationToken).ConfigureAwait(false);
        if (round.Published + round.Parked == 0 && round.StillFailing is { } error) error.Throw();
        return round.Published + round.Parked;
    }

    /// <summary>
    /// Relays records the Cosmos DB change-feed trigger pushed: publishes, acknowledges, parks what ran out of attempts, and
    /// throws while any record is left neither published nor parked, so that the trigger delivers the batch again (the
    /// records keep their message ids: what already went is dropped as a duplicate). Every record is tried on each delivery.
    /// </summary>
    public async Task RelayAsync(IReadOnlyList<PendingOutboxRecord> pending, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        // A batch that runs again still holds what this relay parked; the rest goes round until all of it is settled (a round
        // that throws nothing settles at least one record, so this ends): the later records of a parked one's partition were
        // not tried in the round that parked it, and the trigger must not checkpoint past them.
        var remaining = pending.Where(p => !_failing.WasParked(p)).ToList();
        while (remaining.Count > 0)
        {
            var round = await RelayRoundAsync(remaining, waitOutRetries: false, cancellationToken).ConfigureAwait(false);
            round.StillFailing?.Throw();
            remaining = remaining.Where(p => !round.Settled.Contains(p)).ToList();
        }
    }

    private sealed record Round(int Published, int Parked, ExceptionDispatchInfo? StillFailing, IReadOnlySet<PendingOutboxRecord> Settled);

    private sealed record Failure(PendingOutboxRecord Record, Exception Error, bool OwnFault);

    private async Task<Round> RelayRoundAsync(IReadOnlyList<PendingOutboxRecord> pending, bool waitOutRetries, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        var round = Interlocked.Increment(ref _rounds);
        // A record waiting out its retry delay holds its partition: nothing after it in the partition may overtake it.
        var held = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<PendingOutboxRecord>(pending.Count);
        foreach (var record in pending)
        {
            if (held.Contains(record.PartitionKey)) continue;
            if (waitOutRetries && _failing.IsWaiting(record, now))
            {
                held.Add(record.PartitionKey);
                continue;
            }
            candidates.Add(record);
        }
        if (candidates.Count == 0) return new Round(0, 0, null, new HashSet<PendingOutboxRecord>(ReferenceEqualityComparer.Instance));

        List<PendingOutboxRecord> published;
        List<Failure> failed = [];
        bool acknowledged;
        try
        {
            acknowledged = await PublishAsync(candidates, cancellationToken).ConfigureAwait(false);
            published = candidates;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            (published, failed, acknowledged) = await IsolateAsync(candidates, cancellationToken).ConfigureAwait(false);
        }

        if (published.Count > 0)
        {
            if (!acknowledged)
            {
                if (options.AfterPublish is { } afterPublish) await afterPublish(published).ConfigureAwait(false);
                await feed.AcknowledgeAsync(published, cancellationToken).ConfigureAwait(false);
            }
            foreach (var record in published)
            {
                _failing.Forget(record);
                _destinationTookInRound[record.Record.Destination] = round;
            }
        }

        var settled = new HashSet<PendingOutboxRecord>(published, ReferenceEqualityComparer.Instance);
        ExceptionDispatchInfo? stillFailing = null;
        foreach (var failure in failed)
        {
            var state = _failing.Failed(failure.Record, failure.Error, failure.OwnFault, round,
                _destinationTookInRound.GetValueOrDefault(failure.Record.Record.Destination), now);
            if (state.Attempts >= options.MaxPublishAttempts && await TryParkAsync(failure.Record, state, cancellationToken).ConfigureAwait(false))
            {
                settled.Add(failure.Record);
                continue;
            }
            stillFailing ??= ExceptionDispatchInfo.Capture(failure.Error);
        }
        return new Round(published.Count, settled.Count - published.Count, stillFailing, settled);
    }

    /// <summary>
    /// Publishes the records one at a time to find those at fault. A failure stops its partition for the round (order); a
    /// destination that refused <see cref="DestinationOutAfter"/> records and took none is left alone for the round (an outage
    /// costs a few calls, not one per record). Partitions whose oldest record is the newest go first: a record that failed
    /// before is old, so the records that can show the bus is up for its destination are tried before it.
    /// </summary>
    private async Task<(List<PendingOutboxRecord> Published, List<Failure> Failed, bool Acknowledged)> IsolateAsync(
        List<PendingOutboxRecord> candidates, CancellationToken cancellationToken)
    {
        var acknowledged = true;
        var published = new List<PendingOutboxRecord>();
        var failed = new List<Failure>();
        var took = new Dictionary<string, int>(StringComparer.Ordinal);
        var refused = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var partition in candidates.GroupBy(c => c.PartitionKey, StringComparer.Ordinal).OrderByDescending(g => g.First().Sequence))
        {
            foreach (var record in partition)
            {
                var destination = record.Record.Destination;
                if (!took.ContainsKey(destination) && refused.GetValueOrDefault(destination) >= DestinationOutAfter) break;
                try
                {
                    record.Record.ToOutgoing();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // No bus was asked: a record that cannot be made into a message is at fault itself.
                    failed.Add(new Failure(record, ex, OwnFault: true));
                    break;
                }
                try
                {
                    acknowledged &= await PublishAsync([record], cancellationToken).ConfigureAwait(false);
                    published.Add(record);
                    took[destination] = took.GetValueOrDefault(destination) + 1;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failed.Add(new Failure(record, ex, OwnFault: false));
                    refused[destination] = refused.GetValueOrDefault(destination) + 1;
                    break;
                }
            }
        }
        return (published, failed, acknowledged);
    }

    /// <summary>Parks a record that ran out of attempts; false when it could not be parked now (it is tried again and parked later).</summary>
    private async Task<bool> TryParkAsync(PendingOutboxRecord record, FailingRecords.Failing state, CancellationToken cancellationToken)
    {
        try
        {
            await parked.ParkAsync(record, state.Attempts, state.LastError, cancellationToken).ConfigureAwait(false);
            _failing.Parked(record);
            logger.LogError("Outbox record {MessageId} to {Destination} (partition {PartitionKey}) parked after {Attempts} failed attempts: {Reason}. " +
                "Triage: /api/admin/dead-letters/{TriageId}", record.Record.MessageId, record.Record.Destination, record.PartitionKey,
                state.Attempts, state.LastError, parked.TriageId(record.Record.MessageId));
            return true;
        }
        catch (DocumentNotFoundException)
        {
            _failing.Parked(record); // it left the outbox meanwhile: another relay published or parked it
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Outbox record {MessageId} ran out of attempts but could not be parked; it is tried again", record.Record.MessageId);
            return false;
        }
    }

    /// <summary>
    /// Publishes records in the given order, in one call to the bus, each under a publish activity that continues the trace the
    /// record was written in. True when they were acknowledged in the same unit of work (<see cref="IPublishingFeed"/>).
    /// </summary>
    private async Task<bool> PublishAsync(IReadOnlyList<PendingOutboxRecord> pending, CancellationToken cancellationToken)
    {
        if (pending.Count == 0) return true;
        var records = pending.Select(p => p.Record).ToList();
        var messages = new List<OutgoingMessage>(records.Count);
        var activities = new List<Activity>(records.Count);
        try
        {
            foreach (var record in records)
            {
                var message = record.ToOutgoing();
                messages.Add(message);
                var previous = Activity.Current;
                activities.Add(OrderlyTelemetry.StartPublish(message.Destination, message.Envelope.Type, message.Envelope.TraceParent));
                Activity.Current = previous; // each publish activity is a sibling under its own trace, not nested in the last one
            }

            // The crash-window hook needs the two steps apart, so with it set the relay publishes, then acknowledges.
            var acknowledging = options.AfterPublish is null && feed is IPublishingFeed one && one.CanPublishTo(publisher) ? one : null;
            if (acknowledging is not null)
                await acknowledging.PublishAndAcknowledgeAsync(publisher, messages, pending, cancellationToken).ConfigureAwait(false);
            else
                await publisher.PublishAsync(messages, cancellationToken).ConfigureAwait(false);

            if (logger.IsEnabled(LogLevel.Debug))
            {
                for (var i = 0; i < messages.Count; i++)
                {
                    var envelope = messages[i].Envelope;
                    using (logger.BeginScope(TraceLogScope.ForTrace(activities[i].TraceId.ToHexString(), envelope.CorrelationId)))
                        logger.LogDebug("Published {MessageType} {MessageId} to {Destination}", envelope.Type, envelope.Id, messages[i].Destination);
                }
            }
            return acknowledging is not null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var activity in activities) activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            var first = messages.Count > 0 ? messages[0].Envelope : null;
            using (logger.BeginScope(TraceLogScope.ForTrace(activities.Count > 0 ? activities[0].TraceId.ToHexString() : null, first?.CorrelationId)))
                logger.LogWarning(ex, "Publishing {Count} outbox messages failed (first {MessageId} to {Destination})", records.Count, first?.Id, messages.FirstOrDefault()?.Destination);
            throw;
        }
        finally
        {
            foreach (var activity in activities) activity.Dispose();
        }
    }
}
