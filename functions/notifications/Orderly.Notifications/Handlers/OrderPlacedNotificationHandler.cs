using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Notifications.Domain;
using Orderly.Notifications.Email;

namespace Orderly.Notifications.Handlers;

/// <summary>OrderPlaced → the "OrderReceived" email, once per order.</summary>
public sealed class OrderPlacedNotificationHandler(IEmailSender sender) : IMessageHandler<OrderPlaced>
{
    public string PartitionKeyFor(OrderPlaced message) => Notification.PartitionFor(message.CustomerId);

    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) =>
        CustomerNotifier.SendOnceAsync(sender, context, CustomerMessages.OrderReceived(message), cancellationToken);
}
