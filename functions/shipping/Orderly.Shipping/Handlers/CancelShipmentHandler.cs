using Orderly.ConsumerPipeline;
using Orderly.Contracts.Shipping;
using Orderly.Shipping.Carrier;
using Orderly.Shipping.Domain;
using Orderly.Storage;

namespace Orderly.Shipping.Handlers;

/// <summary>
/// Cancels the order's shipment (compensation): safe before, after or without one. With none, it leaves a Cancelled tombstone
/// (written at once, so a booking racing with it sees it and undoes itself) and a late CreateShipment is rejected.
/// </summary>
public sealed class CancelShipmentHandler(ICarrier carrier) : IMessageHandler<CancelShipment>
{
    public string PartitionKeyFor(CancelShipment message) => message.OrderId;

    public async Task HandleAsync(CancelShipment message, MessageContext context, CancellationToken cancellationToken)
    {
        var doc = await context.Store.ReadAsync(message.OrderId, Shipment.Kind, cancellationToken);
        if (doc is null)
        {
            try
            {
                await context.Store.CreateAsync(message.OrderId, Shipment.Kind, Shipment.Kind,
                    Shipment.CancelledBeforeCreation(message.OrderId, context.Now), cancellationToken);
                context.Reply(new ShipmentCancelled(message.OrderId, null));
                return;
            }
            catch (DocumentConflictException)
            {
                doc = await context.Store.ReadAsync(message.OrderId, Shipment.Kind, cancellationToken)
                    ?? throw new InvalidOperationException($"The shipment of order {message.OrderId} vanished after a conflict.");
            }
        }

        var shipment = doc.As<Shipment>();
        if (shipment.IsBooked)
        {
            await carrier.CancelAsync(shipment.TrackingNumber!, cancellationToken);
            shipment.Cancel(context.Now);
            context.Batch.Replace(Shipment.Kind, Shipment.Kind, shipment, doc.ETag);
        }
        context.Reply(new ShipmentCancelled(message.OrderId, shipment.Status == ShipmentStatus.Cancelled ? shipment.ShipmentId : null));
    }
}
