using Microsoft.Extensions.Logging;
using Orderly.Messaging;
using Orderly.Messaging.ServiceBus;

namespace Orderly.Functions.Hosting;

/// <summary>
/// Hands a message a Service Bus trigger delivered (AutoCompleteMessages = false) to the consumer pipeline, with a settlement over
/// that delivery: the pipeline parses, deduplicates, handles and settles. The trigger's own lock handle stays in the shell
/// (<c>TriggerDelivery</c>), so everything here builds and is tested without the Functions Service Bus extension.
/// </summary>
public sealed class ServiceBusConsumer(ConsumerPipeline.ConsumerPipeline pipeline, ServiceBusSenders senders, ILogger<ServiceBusConsumer> logger)
{
    /// <summary>Processes one message delivered on <paramref name="entity"/> (a queue, or <c>topic/Subscriptions/name</c>).</summary>
    public Task ProcessAsync(string entity, IServiceBusDelivery delivery, CancellationToken cancellationToken) =>
        pipeline.ProcessAsync(entity, delivery.Message.ToReceivedMessage(entity),
            new ServiceBusSettlement(delivery, entity, senders, logger), cancellationToken);
}
