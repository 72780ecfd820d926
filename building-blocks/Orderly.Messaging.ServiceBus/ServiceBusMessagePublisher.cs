using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

namespace Orderly.Messaging.ServiceBus;

/// <summary>
/// Publishes outgoing messages (from the outbox relay) to their queues and topics, in batches per entity, in the
/// order given. At-least-once: a failure throws, the relay retries, and duplicate detection drops what already went.
/// </summary>
public sealed class ServiceBusMessagePublisher(ServiceBusSenders senders, ILogger<ServiceBusMessagePublisher> logger) : IMessagePublisher
{
    public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        foreach (var group in messages.GroupBy(m => m.Destination, StringComparer.Ordinal))
        {
            var sender = senders.For(group.Key);
            var pending = new Queue<OutgoingMessage>(group);
            while (pending.Count > 0)
            {
                using var batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                while (pending.Count > 0 && batch.TryAddMessage(pending.Peek().ToServiceBusMessage())) pending.Dequeue();
                if (batch.Count == 0)
                {
                    // A single message larger than the entity allows: no retry can send it, so say which one.
                    var tooLarge = pending.Dequeue();
                    throw new InvalidOperationException($"Message {tooLarge.MessageId} ({tooLarge.Envelope.Type}) is too large for {group.Key}");
                }
                await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                logger.LogDebug("Published {Count} message(s) to {Destination}", batch.Count, group.Key);
            }
        }
    }
}
