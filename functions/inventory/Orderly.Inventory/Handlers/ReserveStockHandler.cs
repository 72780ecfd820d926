using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Domain;
using Orderly.Inventory.Persistence;

namespace Orderly.Inventory.Handlers;

/// <summary>
/// Holds stock for every line of an order, or for none. Each product is its own partition, so this is a small process:
/// the Reservation (partition = order id) is recorded first with the lines, then each product is reserved in sku order
/// (idempotent per order id), and the outcome + reply are committed in the handler's batch. Re-running after a crash
/// converges: products already holding the order are skipped, and a rejection undoes every line the order may hold.
/// </summary>
public sealed class ReserveStockHandler(InventoryOptions options) : IMessageHandler<ReserveStock>
{
    public const string OutOfStock = "out-of-stock";
    public const string CurrencyMismatch = "currency-mismatch";
    public const string Released = "released";

    public string PartitionKeyFor(ReserveStock message) => message.OrderId;

    public async Task HandleAsync(ReserveStock message, MessageContext context, CancellationToken cancellationToken)
    {
        var (reservation, etag) = await ReservationBook.ReadOrCreateAsync(context.Store, message.OrderId,
            () => Reservation.Begin(message.OrderId, message.Items, context.Now), cancellationToken);
        var shelf = new ProductShelf(context.Store, context.Envelopes, options);

        switch (reservation.Status)
        {
            case ReservationStatus.Released:
                // The order was released (maybe while we were reserving): whatever this order holds goes back.
                await shelf.ReleaseAsync(message.OrderId, reservation.Lines.Select(l => l.Sku).Concat(message.Items.Select(i => i.Sku)), context.Envelope, cancellationToken);
                context.Reply(new StockReservationRejected(message.OrderId, Released, Skus(message.Items)));
                return;
            case ReservationStatus.Rejected:
                context.Reply(new StockReservationRejected(message.OrderId, reservation.RejectionReason ?? OutOfStock, reservation.RejectedSkus));
                return;
            case ReservationStatus.Reserved or ReservationStatus.Committed:
                context.Reply(new StockReserved(message.OrderId, reservation.PricedLines, reservation.Total!));
                return;
        }

        var priced = new List<PricedLine>();
        var unavailable = new List<string>();
        foreach (var line in reservation.Lines)
        {
            if (unavailable.Count > 0)
            {
                // Already failing: only find out which other skus are short, to name them all in the rejection.
                var product = await ProductShelf.ReadAsync(context.Store, line.Sku, cancellationToken);
                if (product is null || (!product.Value.Reservations.ContainsKey(message.OrderId) && product.Value.Available < line.Quantity))
                    unavailable.Add(line.Sku);
                continue;
            }

            var outcome = ReserveOutcome.NotEnoughStock;
            var reserved = await shelf.ChangeAsync(line.Sku, p =>
            {
                outcome = p.Reserve(message.OrderId, line.Quantity);
                return outcome == ReserveOutcome.Held;
            }, context.Envelope.CorrelationId, context.Envelope.Id, cancellationToken);

            if (reserved is null || outcome == ReserveOutcome.NotEnoughStock)
                unavailable.Add(line.Sku);
            else
                priced.Add(new PricedLine(line.Sku, line.Quantity, reserved.UnitPrice, reserved.Currency));
        }

        if (unavailable.Count > 0)
        {
            await RejectAsync(OutOfStock, unavailable);
        }
        else if (priced.Select(l => l.Currency).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            await RejectAsync(CurrencyMismatch, Skus(reservation.Lines));
        }
        else
        {
            reservation.Confirm(priced, context.Now);
            context.Batch.Replace(Reservation.Kind, Reservation.Kind, reservation, etag);
            context.Reply(new StockReserved(message.OrderId, reservation.PricedLines, reservation.Total!));
        }

        async Task RejectAsync(string reason, IReadOnlyList<string> skus)
        {
            await shelf.ReleaseAsync(message.OrderId, Skus(reservation.Lines), context.Envelope, cancellationToken);
            reservation.Reject(reason, skus, context.Now);
            context.Batch.Replace(Reservation.Kind, Reservation.Kind, reservation, etag);
            context.Reply(new StockReservationRejected(message.OrderId, reason, skus));
        }
    }

    internal static List<string> Skus(IEnumerable<OrderLine> lines) => lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
