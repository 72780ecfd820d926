using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Orderly.Messaging.ServiceBus;

namespace Orderly.Functions.Shell;

/// <summary>
/// Hands a message from a Service Bus trigger (AutoCompleteMessages = false) to the consumer pipeline with a settlement over
/// the trigger's <see cref="ServiceBusMessageActions"/>: the pipeline parses, deduplicates, handles and settles.
/// </summary>
public sealed class ServiceBusConsumer(ConsumerPipeline.ConsumerPipeline pipeline, ServiceBusSenders senders, ILogger<ServiceBusConsumer> logger)
{
    /// <summary>Processes one message received on <paramref name="entity"/> (a queue, or <c>topic/subscriptions/name</c>).</summary>
    public Task ProcessAsync(string entity, ServiceBusReceivedMessage message, ServiceBusMessageActions actions, CancellationToken cancellationToken) =>
        pipeline.ProcessAsync(entity, message.ToReceivedMessage(entity),
            new ServiceBusSettlement(new TriggerDelivery(message, actions), entity, senders, logger), cancellationToken);
}
