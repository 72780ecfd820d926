using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Orderly.Contracts;
using Orderly.Functions.Shell;

namespace Orderly.Inventory.Functions;

/// <summary>The entities the inventory context consumes, and its outbox relay; the consumer pipeline settles each message.</summary>
public sealed class InventoryMessages(ServiceBusConsumer consumer, InventoryOptions options, OutboxChangeFeed outbox)
{
    [Function("InventoryCommands")]
    public Task InventoryCommands(
        [ServiceBusTrigger(Destinations.InventoryCommands, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(options.CommandsQueue, message, actions, ct);

    [Function("InventoryAvailability")]
    public Task InventoryAvailability(
        [ServiceBusTrigger(Destinations.InventoryEvents, InventoryOptions.AvailabilitySubscriptionDefault, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(options.AvailabilityEntity, message, actions, ct);

    [Function("InventoryOutboxRelay")]
    public Task InventoryOutboxRelay(
        [CosmosDBTrigger("%ORDERLY_COSMOS_DATABASE%", InventoryModule.Name, Connection = "CosmosDBConnection", LeaseContainerName = "leases",
            LeaseContainerPrefix = "inventory-", StartFromBeginning = true)] IReadOnlyList<ChangedDocument> changes,
        CancellationToken ct) =>
        outbox.RelayAsync(changes, ct);
}
