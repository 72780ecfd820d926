using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Orders.Domain;

namespace Orderly.Orders.Handlers;

/// <summary>OrderCancelled → the customer's order summary (idempotent; safe in any order with the other order events).</summary>
public sealed class OrderCancelledReadModelHandler : IMessageHandler<OrderCancelled>
{
    public string PartitionKeyFor(OrderCancelled message) => CustomerOrderSummary.PartitionFor(message.CustomerId);

    public Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken cancellationToken) =>
        CustomerOrdersProjection.ProjectAsync(context, message.CustomerId, message.OrderId,
            current => CustomerOrderSummary.Apply(current, message), cancellationToken);
}
