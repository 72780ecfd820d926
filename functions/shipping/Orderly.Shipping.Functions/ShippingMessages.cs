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
    // Without a retry policy the trigger checkpoints a failed batch and never delivers it again; with it, a throw (only while a
    // record is neither published nor parked, see OutboxRelay) runs the same batch again, with backoff, until it completes.
    [ExponentialBackoffRetry(-1, "00:00:01", "00:01:00")]
    public Task ShippingOutboxRelay(
        [CosmosDBTrigger("%ORDERLY_COSMOS_DATABASE%", ShippingModule.Name, Connection = "CosmosDBConnection", LeaseContainerName = "leases",
            LeaseContainerPrefix = "shipping-", StartFromBeginning = true)] IReadOnlyList<ChangedDocument> changes,
        CancellationToken ct) =>
        outbox.RelayAsync(changes, ct);
}
