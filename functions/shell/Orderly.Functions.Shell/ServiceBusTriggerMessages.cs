using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Orderly.Functions.Hosting;
using Orderly.Messaging;

namespace Orderly.Functions.Shell;

/// <summary>
/// What a Service Bus trigger hands over (the message and its <see cref="ServiceBusMessageActions"/>), passed to the consumer.
/// A trigger names its entity as its [ServiceBusTrigger] does (queue, or topic and subscription), so the two read side by side,
/// and OneTopologyTests holds them equal: the pipeline is told exactly the entity the trigger listens on.
/// </summary>
public static class ServiceBusTriggerMessages
{
    /// <summary>Processes one message received on <paramref name="queue"/>.</summary>
    public static Task ProcessAsync(this ServiceBusConsumer consumer, string queue, ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken cancellationToken) =>
        consumer.ProcessAsync(queue, new TriggerDelivery(message, actions), cancellationToken);

    /// <summary>Processes one message received on the <paramref name="subscription"/> of <paramref name="topic"/>.</summary>
    public static Task ProcessAsync(this ServiceBusConsumer consumer, string topic, string subscription, ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken cancellationToken) =>
        consumer.ProcessAsync(EntityPath.Subscription(topic, subscription), new TriggerDelivery(message, actions), cancellationToken);
}
