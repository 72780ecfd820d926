using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Orders.Domain;

namespace Orderly.Orders.Handlers;

/// <summary>OrderConfirmed → the customer's order summary (idempotent; safe in any order with the other order events).</summary>
public sealed class OrderConfirmedReadModelHandler : IMessageHandler<OrderConfirmed>
{
    public string PartitionKeyFor(OrderConfirmed message) => CustomerOrderSummary.PartitionFor(message.CustomerId);

    public Task HandleAsync(OrderConfirmed message, MessageContext context, CancellationToken cancellationToken) =>
        CustomerOrdersProjection.ProjectAsync(context, message.CustomerId, message.OrderId,
            current => CustomerOrderSummary.Apply(current, message), cancellationToken);
}
