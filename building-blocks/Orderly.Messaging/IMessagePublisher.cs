namespace Orderly.Messaging;

/// <summary>Sends commands to queues and publishes events to topics (a topic fans out to each of its subscriptions).</summary>
public interface IMessagePublisher
{
    /// <summary>Sends each message to its destination; at-least-once, and a message id seen within the duplicate window is dropped.</summary>
    Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default);
}
