using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Orderly.Contracts;
using Orderly.Functions.Hosting;
using Orderly.Functions.Shell;

namespace Orderly.Payments.Functions;

/// <summary>The payments commands queue and the outbox relay that sends the replies; the consumer pipeline settles each message.</summary>
public sealed class PaymentsMessages(ServiceBusConsumer consumer, OutboxChangeFeed outbox)
{
    [Function("PaymentsCommands")]
    public Task PaymentsCommands(
        [ServiceBusTrigger(Destinations.PaymentsCommands, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(Destinations.PaymentsCommands, message, actions, ct);

    [Function("PaymentsOutboxRelay")]
    // Without a retry policy the trigger checkpoints a failed batch and never delivers it again; with it, a throw (only while a
    // record is neither published nor parked, see OutboxRelay) runs the same batch again, with backoff, until it completes.
    [ExponentialBackoffRetry(-1, "00:00:01", "00:01:00")]
    public Task PaymentsOutboxRelay(
        [CosmosDBTrigger("%ORDERLY_COSMOS_DATABASE%", PaymentsModule.Name, Connection = "CosmosDBConnection", LeaseContainerName = "leases",
            LeaseContainerPrefix = "payments-", StartFromBeginning = true)] IReadOnlyList<ChangedDocument> changes,
        CancellationToken ct) =>
        outbox.RelayAsync(changes, ct);
}
