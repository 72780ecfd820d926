using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Orders.Domain;

namespace Orderly.Orders.Handlers;

/// <summary>OrderPlaced → the customer's order summary (idempotent; safe in any order with the other order events).</summary>
public sealed class OrderPlacedReadModelHandler : IMessageHandler<OrderPlaced>
{
    public string PartitionKeyFor(OrderPlaced message) => CustomerOrderSummary.PartitionFor(message.CustomerId);

    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) =>
        CustomerOrdersProjection.ProjectAsync(context, message.CustomerId, message.OrderId,
            current => CustomerOrderSummary.Apply(current, message), cancellationToken);
}
