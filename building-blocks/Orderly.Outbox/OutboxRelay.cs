using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orderly.Messaging;
using Orderly.Messaging.Tracing;
using Orderly.Resilience;

namespace Orderly.Outbox;

/// <summary>
/// Publishes a container's outbox records in commit order, then acknowledges them. At-least-once: a crash between publish
/// and acknowledge publishes them again with the same message ids, which the bus's duplicate detection or the consumer's
/// inbox drops. A failed publish is retried with backoff, never dropped.
/// </summary>
public sealed class OutboxRelay(IOutboxFeed feed, IMessagePublisher publisher, OutboxRelayOptions options, ILogger<OutboxRelay> logger,
    LoopReport? report = null)
{
    private readonly LoopReport _report = report ?? new BackgroundLoops(TimeProvider.System).For("outbox relay");
    private readonly Backoff _backoff = new(options.RetryDelay, options.MaxRetryDelay);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled: publish what is pending, wait for more, repeat.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishPendingOnceAsync(cancellationToken).ConfigureAwait(false);
                _report.Succeeded();
                if (published < options.BatchSize)
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

    /// <summary>Publishes one round of pending records (up to the batch size) and acknowledges them; returns how many.</summary>
    public async Task<int> PublishPendingOnceAsync(CancellationToken cancellationToken = default)
    {
        var pending = await feed.ReadPendingAsync(options.BatchSize, cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0) return 0;
        await PublishAsync(pending.Select(p => p.Record).ToList(), cancellationToken).ConfigureAwait(false);
        if (options.AfterPublish is { } afterPublish) await afterPublish(pending).ConfigureAwait(false);
        await feed.AcknowledgeAsync(pending, cancellationToken).ConfigureAwait(false);
        return pending.Count;
    }

    /// <summary>
    /// Publishes records in the given order, in one call to the bus, each under a publish activity that continues the trace the
    /// record was written in. The Cosmos DB change-feed trigger calls this with the records it is pushed (a throw makes the
    /// trigger retry the batch, so nothing is lost).
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0) return;
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
