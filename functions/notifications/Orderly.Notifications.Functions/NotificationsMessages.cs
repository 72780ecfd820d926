using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Orderly.Contracts;
using Orderly.Functions.Hosting;
using Orderly.Functions.Shell;

namespace Orderly.Notifications.Functions;

/// <summary>
/// The order events the notifications context subscribes to; the consumer pipeline settles each message. Notifications
/// sends no messages, so this app has no outbox relay and no Service Bus sender role.
/// </summary>
public sealed class NotificationsMessages(ServiceBusConsumer consumer)
{
    [Function("OrderEventsForNotifications")]
    public Task OrderEvents(
        [ServiceBusTrigger(Destinations.OrdersEvents, Destinations.NotificationsSubscription, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, CancellationToken ct) =>
        consumer.ProcessAsync(Destinations.OrdersEvents, Destinations.NotificationsSubscription, message, actions, ct);
}
