using Microsoft.Extensions.Logging;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Orders.Domain;
using Orderly.Orders.Persistence;

namespace Orderly.Orders.Handlers;

/// <summary>
/// CancelOrder from the checkout (its last compensation): cancels the order, replies OrderCancelled and publishes it once.
/// A repeat replies again with the first reason. A cancel that comes first leaves the order cancelled, so a late ConfirmOrder
/// is refused. A confirmed order is never cancelled: the command is dead-lettered with <c>order-already-confirmed</c>.
/// </summary>
public sealed class CancelOrderHandler(OrdersMessaging messaging) : IMessageHandler<CancelOrder>
{
    public string PartitionKeyFor(CancelOrder message) => message.OrderId;

    public async Task HandleAsync(CancelOrder message, MessageContext context, CancellationToken cancellationToken)
    {
        var loaded = await context.Store.LoadOrderAsync(message.OrderId, cancellationToken).ConfigureAwait(false)
            ?? throw new PermanentFailureException("order-not-found", $"There is no order {message.OrderId} to cancel.");
        var order = loaded.Order;
        OrderChange change;
        try
        {
            change = order.Cancel(message.Reason, context.Now, message.Total);
        }
        catch (OrderRefusedException refused)
        {
            throw new PermanentFailureException(refused.Reason, refused.Message, refused);
        }

        var cancelled = order.Cancelled();
        if (change == OrderChange.Changed)
        {
            context.Batch.SaveOrder(order, loaded.ETag);
            context.Publish(messaging.EventsTopic, cancelled);
            context.Logger.LogInformation("Order {OrderId} cancelled: {Reason}", order.OrderId, cancelled.Reason);
        }
        else
        {
            context.Logger.LogInformation("Order {OrderId} was already cancelled ({Reason}); replying again", order.OrderId, cancelled.Reason);
        }
        context.Reply(cancelled);
    }
}
