namespace Orderly.Embedded.Broker;

/// <summary>
/// Settling a message whose lock has expired or was taken by a later delivery (Service Bus: MessageLockLost). The settlement
/// had no effect: the message is (or will be) delivered again.
/// </summary>
public sealed class MessageLockLostException(string entity, string messageId)
    : InvalidOperationException($"The lock on message '{messageId}' of '{entity}' was lost (expired or redelivered); the settlement had no effect.")
{
    public string Entity { get; } = entity;
    public string MessageId { get; } = messageId;
}
