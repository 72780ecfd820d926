using Orderly.ConsumerPipeline;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Domain;
using Orderly.Inventory.Persistence;

namespace Orderly.Inventory.Handlers;

/// <summary>
/// The held stock is sold: on hand goes down and the hold goes away, product by product (each only while it still holds
/// the order, so a redelivery after a crash does not take stock twice), then the Reservation becomes Committed.
/// </summary>
public sealed class CommitStockHandler(InventoryOptions options) : IMessageHandler<CommitStock>
{
    public string PartitionKeyFor(CommitStock message) => message.OrderId;

    public async Task HandleAsync(CommitStock message, MessageContext context, CancellationToken cancellationToken)
    {
        var loaded = await ReservationBook.ReadAsync(context.Store, message.OrderId, cancellationToken)
            ?? throw new PermanentFailureException("not-reserved", $"Order {message.OrderId} has no reservation to commit.");
        var (reservation, etag) = loaded;

        switch (reservation.Status)
        {
            case ReservationStatus.Committed:
                context.Reply(new StockCommitted(message.OrderId));
                return;
            case ReservationStatus.Released:
                throw new PermanentFailureException("reservation-released", $"The reservation of order {message.OrderId} was released; there is nothing to commit.");
            case ReservationStatus.Rejected:
                throw new PermanentFailureException("not-reserved", $"The reservation of order {message.OrderId} was rejected; there is nothing to commit.");
            case ReservationStatus.Reserving:
                // The reservation is still being made (or its handler crashed and will be redelivered): retry later.
                throw new InvalidOperationException($"The reservation of order {message.OrderId} is still being made.");
        }

        var shelf = new ProductShelf(context.Store, context.Envelopes, options);
        foreach (var line in reservation.Lines)
            await shelf.ChangeAsync(line.Sku, p => p.Commit(message.OrderId), context.Envelope.CorrelationId, context.Envelope.Id, cancellationToken);

        reservation.Commit(context.Now);
        context.Batch.Replace(Reservation.Kind, Reservation.Kind, reservation, etag);
        context.Reply(new StockCommitted(message.OrderId));
    }
}
