using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Handlers;

/// <summary>Starts the checkout saga for a placed order; instance id = order id, so a duplicate OrderPlaced starts nothing new.</summary>
public sealed class OrderPlacedHandler(ISagaStarter sagas, IOptions<CheckoutOptions> options) : IMessageHandler<OrderPlaced>
{
    public string PartitionKeyFor(OrderPlaced message) => message.OrderId;

    public async Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        var input = new CheckoutInput(message.OrderId, message.CustomerId, message.Items, message.ShippingAddress, message.PaymentToken,
            context.Envelope.Id, context.Envelope.TraceParent, options.Value.ToSettings());
        var started = await sagas.StartIfNotExistsAsync(CheckoutSaga.Name, message.OrderId, input, cancellationToken).ConfigureAwait(false);
        if (!started)
            context.Logger.LogInformation("Checkout of order {OrderId} already started; duplicate OrderPlaced ignored", message.OrderId);
    }
}
