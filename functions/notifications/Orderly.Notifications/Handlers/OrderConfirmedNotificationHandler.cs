using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Notifications.Domain;
using Orderly.Notifications.Email;

namespace Orderly.Notifications.Handlers;

/// <summary>OrderConfirmed → the "OrderConfirmed" email, once per order.</summary>
public sealed class OrderConfirmedNotificationHandler(IEmailSender sender) : IMessageHandler<OrderConfirmed>
{
    public string PartitionKeyFor(OrderConfirmed message) => Notification.PartitionFor(message.CustomerId);

    public Task HandleAsync(OrderConfirmed message, MessageContext context, CancellationToken cancellationToken) =>
        CustomerNotifier.SendOnceAsync(sender, context, CustomerMessages.OrderConfirmed(message), cancellationToken);
}
