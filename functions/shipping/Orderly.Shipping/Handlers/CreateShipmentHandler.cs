using Orderly.ConsumerPipeline;
using Orderly.Contracts.Shipping;
using Orderly.Shipping.Carrier;
using Orderly.Shipping.Domain;
using Orderly.Storage;

namespace Orderly.Shipping.Handlers;

/// <summary>
/// Books the order's shipment with the carrier, once: a stored outcome is answered again; a Cancelled tombstone answers
/// ShipmentRejected(<c>cancelled</c>) without asking the carrier. The outcome is written before the reply, as its own create,
/// so a CancelShipment tombstone written while the carrier was booking makes it fail and the booking is cancelled at once.
/// </summary>
public sealed class CreateShipmentHandler(ICarrier carrier) : IMessageHandler<CreateShipment>
{
    public const string Cancelled = "cancelled";

    public string PartitionKeyFor(CreateShipment message) => message.OrderId;

    public async Task HandleAsync(CreateShipment message, MessageContext context, CancellationToken cancellationToken)
    {
        var existing = await context.Store.ReadAsync(message.OrderId, Shipment.Kind, cancellationToken);
        if (existing is not null)
        {
            ReplyWith(existing.As<Shipment>(), context);
            return;
        }

        var booking = await carrier.BookAsync(message.OrderId, message.Address, message.Items, cancellationToken);
        var shipment = booking.Accepted
            ? Shipment.Created(message.OrderId, "shp_" + Guid.CreateVersion7().ToString("N"), booking.TrackingNumber!, message.Address, context.Now)
            : Shipment.Rejected(message.OrderId, message.Address, booking.RefusalReason ?? SimulatedCarrier.ShippingUnavailable, context.Now);
        try
        {
            await context.Store.CreateAsync(message.OrderId, Shipment.Kind, Shipment.Kind, shipment, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            // Cancelled (or booked by a twin delivery) while the carrier was booking: undo our booking, answer what stands.
            if (booking.Accepted)
                await carrier.CancelAsync(booking.TrackingNumber!, cancellationToken);
            var winner = await context.Store.ReadAsync(message.OrderId, Shipment.Kind, cancellationToken)
                ?? throw new InvalidOperationException($"The shipment of order {message.OrderId} vanished after a conflict.");
            ReplyWith(winner.As<Shipment>(), context);
            return;
        }
        ReplyWith(shipment, context);
    }

    private static void ReplyWith(Shipment shipment, MessageContext context)
    {
        switch (shipment.Status)
        {
            case ShipmentStatus.Created:
                context.Reply(new ShipmentCreated(shipment.OrderId, shipment.ShipmentId!, shipment.TrackingNumber!));
                break;
            case ShipmentStatus.Cancelled:
                context.Reply(new ShipmentRejected(shipment.OrderId, Cancelled));
                break;
            default:
                context.Reply(new ShipmentRejected(shipment.OrderId, shipment.RejectionReason ?? SimulatedCarrier.ShippingUnavailable));
                break;
        }
    }
}
