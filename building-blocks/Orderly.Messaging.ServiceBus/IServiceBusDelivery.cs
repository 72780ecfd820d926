using Azure.Messaging.ServiceBus;

namespace Orderly.Messaging.ServiceBus;

/// <summary>
/// One message a Service Bus trigger delivered under a peek-lock, and the three ways to release that lock. The Functions
/// trigger's <c>ServiceBusMessageActions</c> is the only implementation in production (in the shell, because it needs the
/// Functions Service Bus extension); everything that decides which one to call lives in <see cref="ServiceBusSettlement"/>.
/// </summary>
public interface IServiceBusDelivery
{
    /// <summary>The message as delivered.</summary>
    ServiceBusReceivedMessage Message { get; }

    /// <summary>Removes the message from its entity.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Releases the lock: the broker delivers the message again and counts the delivery.</summary>
    Task AbandonAsync(CancellationToken cancellationToken);

    /// <summary>Moves the message to its entity's dead-letter queue with a reason, a description and the given properties added.</summary>
    Task DeadLetterAsync(Dictionary<string, object> properties, string reason, string description, CancellationToken cancellationToken);
}
