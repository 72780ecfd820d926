using Microsoft.Extensions.Logging;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Orders.Domain;
using Orderly.Orders.Persistence;

namespace Orderly.Orders.Handlers;

/// <summary>
/// ConfirmOrder from the checkout: confirms the order, replies OrderConfirmed and publishes it once. A repeat (same total)
/// changes nothing and replies again, so a saga that lost the first reply still gets one. An order already cancelled cannot
/// answer "confirmed" and the contracts have no "confirmation refused" reply, so the command is dead-lettered with reason
/// <c>order-already-cancelled</c>: visible in triage, and the saga's step times out and compensates as it would anyway.
/// </summary>
public sealed class ConfirmOrderHandler(OrdersMessaging messaging) : IMessageHandler<ConfirmOrder>
{
    public string PartitionKeyFor(ConfirmOrder message) => message.OrderId;

    public async Task HandleAsync(ConfirmOrder message, MessageContext context, CancellationToken cancellationToken)
    {
        var loaded = await context.Store.LoadOrderAsync(message.OrderId, cancellationToken).ConfigureAwait(false)
            ?? throw new PermanentFailureException("order-not-found", $"There is no order {message.OrderId} to confirm.");
        var order = loaded.Order;
        OrderChange change;
        try
        {
            change = order.Confirm(message.Total, context.Now);
        }
        catch (OrderRefusedException refused)
        {
            throw new PermanentFailureException(refused.Reason, refused.Message, refused);
        }

        var confirmed = order.Confirmed();
        if (change == OrderChange.Changed)
        {
            context.Batch.SaveOrder(order, loaded.ETag);
            context.Publish(messaging.EventsTopic, confirmed);
            context.Logger.LogInformation("Order {OrderId} confirmed at {Amount} {Currency}", order.OrderId, confirmed.Total.Amount, confirmed.Total.Currency);
        }
        else
        {
            context.Logger.LogInformation("Order {OrderId} was already confirmed; replying again", order.OrderId);
        }
        context.Reply(confirmed);
    }
}
