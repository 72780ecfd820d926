using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Notifications.Domain;
using Orderly.Notifications.Email;

namespace Orderly.Notifications.Handlers;

/// <summary>OrderCancelled → the "OrderCancelled" email, once per order.</summary>
public sealed class OrderCancelledNotificationHandler(IEmailSender sender) : IMessageHandler<OrderCancelled>
{
    public string PartitionKeyFor(OrderCancelled message) => Notification.PartitionFor(message.CustomerId);

    public Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken cancellationToken) =>
        CustomerNotifier.SendOnceAsync(sender, context, CustomerMessages.OrderCancelled(message), cancellationToken);
}
