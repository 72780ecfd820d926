using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Orderly.Contracts;
using Orderly.Functions.Hosting;
using Orderly.Functions.Shell;

namespace Orderly.Orders.Functions;

/// <summary>The entities the orders context consumes; the consumer pipeline settles each message (never auto-complete).</summary>
public sealed class OrdersMessages(ServiceBusConsumer consumer, OutboxChangeFeed outbox)
{
    [Function("OrdersCommands")]
    public Task OrdersCommands(
        [ServiceBusTrigger(Destinations.OrdersCommands, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(Destinations.OrdersCommands, message, actions, ct);

    [Function("OrdersReadModel")]
    public Task OrdersReadModel(
        [ServiceBusTrigger(Destinations.OrdersEvents, Destinations.OrdersReadModelSubscription, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(Destinations.OrdersEvents, Destinations.OrdersReadModelSubscription, message, actions, ct);

    [Function("OrdersOutboxRelay")]
    // Without a retry policy the trigger checkpoints a failed batch and never delivers it again; with it, a throw (only while a
    // record is neither published nor parked, see OutboxRelay) runs the same batch again, with backoff, until it completes.
    [ExponentialBackoffRetry(-1, "00:00:01", "00:01:00")]
    public Task OrdersOutboxRelay(
        [CosmosDBTrigger("%ORDERLY_COSMOS_DATABASE%", OrdersModule.Name, Connection = "CosmosDBConnection", LeaseContainerName = "leases",
            LeaseContainerPrefix = "orders-", StartFromBeginning = true)] IReadOnlyList<ChangedDocument> changes,
        CancellationToken ct) =>
        outbox.RelayAsync(changes, ct);
}
