using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Orderly.Messaging;
using Orderly.Messaging.ServiceBus;

namespace Orderly.Functions.Shell;

/// <summary>
/// Hands a message from a Service Bus trigger (AutoCompleteMessages = false) to the consumer pipeline with a settlement over
/// the trigger's <see cref="ServiceBusMessageActions"/>: the pipeline parses, deduplicates, handles and settles.
/// </summary>
public sealed class ServiceBusConsumer(ConsumerPipeline.ConsumerPipeline pipeline, ServiceBusSenders senders, ILogger<ServiceBusConsumer> logger)
{
    // A trigger names its entity as its [ServiceBusTrigger] does (queue, or topic and subscription), so the two can be read
    // side by side, and OneTopologyTests holds them equal: the pipeline is told exactly the entity the trigger listens on.

    /// <summary>Processes one message received on <paramref name="queue"/>.</summary>
    public Task ProcessAsync(string queue, ServiceBusReceivedMessage message, ServiceBusMessageActions actions, CancellationToken cancellationToken) =>
        ProcessOnAsync(queue, message, actions, cancellationToken);

    /// <summary>Processes one message received on the <paramref name="subscription"/> of <paramref name="topic"/>.</summary>
    public Task ProcessAsync(string topic, string subscription, ServiceBusReceivedMessage message, ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        ProcessOnAsync(EntityPath.Subscription(topic, subscription), message, actions, cancellationToken);

    private Task ProcessOnAsync(string entity, ServiceBusReceivedMessage message, ServiceBusMessageActions actions, CancellationToken cancellationToken) =>
        pipeline.ProcessAsync(entity, message.ToReceivedMessage(entity),
            new ServiceBusSettlement(new TriggerDelivery(message, actions), entity, senders, logger), cancellationToken);
}
