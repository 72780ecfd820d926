using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Messaging;
using Orderly.Resilience;

namespace Orderly.Embedded.Broker;

/// <summary>How an <see cref="EmbeddedConsumer"/> pulls: how many messages it handles at once and how long it sleeps when idle.</summary>
public sealed record EmbeddedConsumerOptions
{
    /// <summary>Messages handled at the same time (and the most it locks ahead: locked messages are not waiting in memory long).</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Longest sleep when the entity is empty; a send wakes the consumer earlier.</summary>
    public TimeSpan IdleWait { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Pulls one queue or subscription of the embedded broker and hands each locked message to a delegate (the consumer pipeline,
/// which settles it), with bounded concurrency. Stopping lets in-flight messages finish; a message the delegate leaves
/// unsettled stays locked until its lock expires and is then delivered again. A broker fault (the store refusing reads or
/// writes) never ends the loop: it is logged with the entity, told to <see cref="LoopReport"/> for health, and retried with
/// backoff until the store answers again.
/// </summary>
public sealed class EmbeddedConsumer(
    EmbeddedBroker broker,
    string entity,
    Func<LockedMessage, CancellationToken, Task> handle,
    EmbeddedConsumerOptions? options = null,
    ILogger<EmbeddedConsumer>? logger = null,
    LoopReport? report = null)
{
    private readonly LoopReport _report = report ?? new BackgroundLoops(TimeProvider.System).For("consumer " + entity);
    private readonly EmbeddedConsumerOptions _options = options ?? new EmbeddedConsumerOptions();
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public string Entity { get; } = entity;

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled, then waits for in-flight messages. Each delegate call gets a
    /// token that is cancelled when its message's lock expires (work after that is redone by the next delivery anyway).
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var max = _options.MaxConcurrency;
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        using var slots = new SemaphoreSlim(max, max);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < max && slots.Wait(0, CancellationToken.None)) free++;
                IReadOnlyList<LockedMessage> batch;
                try
                {
                    // Not cancellable once queued: a lock taken must come back to us, or the message waits out its lock.
                    batch = await broker.ReceiveAsync(Entity, free, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception fault)
                {
                    slots.Release(free);
                    var delay = _report.Failed(fault);
                    _logger.LogError(fault, "Consumer of {Entity} could not receive ({Failures} in a row); retrying in {DelayMs} ms",
                        Entity, _report.State.Failures, (int)delay.TotalMilliseconds);
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                _report.Succeeded();
                if (free > batch.Count) slots.Release(free - batch.Count);
                if (batch.Count == 0)
                {
                    try
                    {
                        await broker.WaitForMessagesAsync(Entity, _options.IdleWait, stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception fault) when (!stoppingToken.IsCancellationRequested)
                    {
                        await Task.Delay(_report.Failed(fault), stoppingToken).ConfigureAwait(false);
                    }
                    continue;
                }
                foreach (var message in batch)
                {
                    _ = HandleOneAsync(message, slots);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: fall through to drain.
        }
        // Every slot back means every in-flight message is done.
        for (var i = 0; i < max; i++) await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task HandleOneAsync(LockedMessage message, SemaphoreSlim slots)
    {
        try
        {
            await Task.Yield(); // off the receive loop, so one slow handler never delays the next receive
            var untilLockExpires = message.LockedUntil - broker.Time.GetUtcNow();
            using var lockExpiry = new CancellationTokenSource(untilLockExpires > TimeSpan.Zero ? untilLockExpires : TimeSpan.Zero, broker.Time);
            await handle(message, lockExpiry.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The pipeline settles what it can; an escape here is a bug or an outage. Release the message for another try.
            _logger.LogError(ex, "Handling message {MessageId} from {Entity} failed outside the pipeline; releasing it for redelivery",
                message.Message.MessageId, Entity);
            try
            {
                await message.Settlement.RetryLaterAsync(TimeSpan.Zero, spendsAttempt: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (MessageLockLostException)
            {
                // Already settled or expired: nothing to release.
            }
            catch (Exception releaseError)
            {
                _logger.LogWarning(releaseError, "Could not release message {MessageId}; it is redelivered when its lock expires", message.Message.MessageId);
            }
        }
        finally
        {
            slots.Release();
        }
    }
}
