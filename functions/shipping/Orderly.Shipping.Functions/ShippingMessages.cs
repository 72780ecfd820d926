using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Orderly.Contracts;
using Orderly.Functions.Hosting;
using Orderly.Functions.Shell;

namespace Orderly.Shipping.Functions;

/// <summary>The shipping commands queue and the outbox relay that sends the replies; the consumer pipeline settles each message.</summary>
public sealed class ShippingMessages(ServiceBusConsumer consumer, OutboxChangeFeed outbox)
{
    [Function("ShippingCommands")]
    public Task ShippingCommands(
        [ServiceBusTrigger(Destinations.ShippingCommands, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(Destinations.ShippingCommands, message, actions, ct);

    [Function("ShippingOutboxRelay")]
    public Task ShippingOutboxRelay(
        [CosmosDBTrigger("%ORDERLY_COSMOS_DATABASE%", ShippingModule.Name, Connection = "CosmosDBConnection", LeaseContainerName = "leases",
            LeaseContainerPrefix = "shipping-", StartFromBeginning = true)] IReadOnlyList<ChangedDocument> changes,
        CancellationToken ct) =>
        outbox.RelayAsync(changes, ct);
}
