using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Orderly.Contracts;
using Orderly.Functions.Hosting;
using Orderly.Functions.Shell;

namespace Orderly.Inventory.Functions;

/// <summary>The entities the inventory context consumes, and its outbox relay; the consumer pipeline settles each message.</summary>
public sealed class InventoryMessages(ServiceBusConsumer consumer, OutboxChangeFeed outbox)
{
    [Function("InventoryCommands")]
    public Task InventoryCommands(
        [ServiceBusTrigger(Destinations.InventoryCommands, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(Destinations.InventoryCommands, message, actions, ct);

    [Function("InventoryAvailability")]
    public Task InventoryAvailability(
        [ServiceBusTrigger(Destinations.InventoryEvents, Destinations.InventoryAvailabilitySubscription, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(Destinations.InventoryEvents, Destinations.InventoryAvailabilitySubscription, message, actions, ct);

    [Function("InventoryOutboxRelay")]
    // Without a retry policy the trigger checkpoints a failed batch and never delivers it again; with it, a throw (only while a
    // record is neither published nor parked, see OutboxRelay) runs the same batch again, with backoff, until it completes.
    [ExponentialBackoffRetry(-1, "00:00:01", "00:01:00")]
    public Task InventoryOutboxRelay(
        [CosmosDBTrigger("%ORDERLY_COSMOS_DATABASE%", InventoryModule.Name, Connection = "CosmosDBConnection", LeaseContainerName = "leases",
            LeaseContainerPrefix = "inventory-", StartFromBeginning = true)] IReadOnlyList<ChangedDocument> changes,
        CancellationToken ct) =>
        outbox.RelayAsync(changes, ct);
}
