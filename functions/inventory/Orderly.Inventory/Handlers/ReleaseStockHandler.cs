using Orderly.ConsumerPipeline;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Domain;
using Orderly.Inventory.Persistence;

namespace Orderly.Inventory.Handlers;

/// <summary>
/// Gives back whatever the order holds (compensation): safe before, after or without a reservation. With none, it leaves a
/// Released tombstone so a late ReserveStock is refused. Products are released before the Reservation is marked, so a crash
/// in between is redone by the redelivery.
/// </summary>
public sealed class ReleaseStockHandler(InventoryOptions options) : IMessageHandler<ReleaseStock>
{
    public string PartitionKeyFor(ReleaseStock message) => message.OrderId;

    public async Task HandleAsync(ReleaseStock message, MessageContext context, CancellationToken cancellationToken)
    {
        var (reservation, etag) = await ReservationBook.ReadOrCreateAsync(context.Store, message.OrderId,
            () => Reservation.ReleasedBeforeReserving(message.OrderId, context.Now), cancellationToken);

        if (reservation.Status == ReservationStatus.Committed)
            throw new PermanentFailureException("reservation-committed",
                $"The stock of order {message.OrderId} is committed (sold); releasing it would put sold goods back on the shelf.");

        var shelf = new ProductShelf(context.Store, context.Envelopes, options);
        await shelf.ReleaseAsync(message.OrderId, reservation.Lines.Select(l => l.Sku), context.Envelope, cancellationToken);

        if (reservation.Status != ReservationStatus.Released)
        {
            reservation.Release(context.Now);
            context.Batch.Replace(Reservation.Kind, Reservation.Kind, reservation, etag);
        }
        context.Reply(new StockReleased(message.OrderId));
    }
}
