using System.Globalization;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;

namespace Orderly.Checkout.Saga;

/// <summary>
/// What a reply must match before the checkout takes it (ORDERLY.md "Identity and access": the saga checks every reply against
/// what it asked; a reply it did not ask for is a failed step, never a confirmation): a type the command is answered with, the
/// saga's own order, and the amounts, currencies and ids the command named or the earlier steps returned.
/// </summary>
/// <remarks>
/// Pure and deterministic (no clock, no I/O, invariant formatting), so the saga stays replay-safe. The saga keeps one instance
/// and adds to it what each step returned (<c>with { Total = ... }</c>): the reserved total, the authorized payment, the
/// created shipment. The order's currency is not known before the reservation (OrderPlaced has none; the products' prices fix
/// it), so a reservation is checked for its own consistency: the lines asked for, one currency, and a total that is their sum.
/// </remarks>
public sealed record ReplyCheck(string OrderId)
{
    /// <summary>The total the reservation fixed; what the authorization and the capture must be for.</summary>
    public Money? Total { get; init; }

    /// <summary>The payment the authorization returned; what a PaymentVoided that names a payment must name.</summary>
    public string? PaymentId { get; init; }

    /// <summary>The shipment the shipping step returned; what a ShipmentCancelled that names a shipment must name.</summary>
    public string? ShipmentId { get; init; }

    /// <summary>The replies each step's command is answered with; a step is named after its command.</summary>
    private static readonly Dictionary<string, Type[]> RepliesTo = new(StringComparer.Ordinal)
    {
        [nameof(ReserveStock)] = [typeof(StockReserved), typeof(StockReservationRejected)],
        [nameof(AuthorizePayment)] = [typeof(PaymentAuthorized), typeof(PaymentDeclined)],
        [nameof(CreateShipment)] = [typeof(ShipmentCreated), typeof(ShipmentRejected)],
        [nameof(CapturePayment)] = [typeof(PaymentCaptured), typeof(PaymentCaptureFailed)],
        [nameof(CommitStock)] = [typeof(StockCommitted)],
        [nameof(ConfirmOrder)] = [typeof(OrderConfirmed)],
        [nameof(ReleaseStock)] = [typeof(StockReleased)],
        [nameof(VoidPayment)] = [typeof(PaymentVoided)],
        [nameof(CancelShipment)] = [typeof(ShipmentCancelled)],
        [nameof(CancelOrder)] = [typeof(OrderCancelled)],
    };

    /// <summary>Whether <paramref name="replyType"/> is an answer the step <paramref name="step"/> (<c>AuthorizePayment</c>) asks for.</summary>
    public static bool Answers(string step, Type replyType) => RepliesTo.TryGetValue(step, out var types) && types.Contains(replyType);

    /// <summary>
    /// What in <paramref name="reply"/> does not match <paramref name="command"/> and what the saga knows, each as
    /// <c>what: expected X, got Y</c>; empty when the reply can be taken.
    /// </summary>
    public IReadOnlyList<string> Mismatches(object command, object reply)
    {
        var step = command.GetType().Name;
        if (!Answers(step, reply.GetType()))
        {
            var expected = RepliesTo.TryGetValue(step, out var types) ? string.Join(" or ", types.Select(t => t.Name)) : "no reply";
            return [$"reply: expected {expected}, got {reply.GetType().Name}"];
        }

        var found = new List<string>();
        Same(found, "orderId", OrderId, OrderIdOf(reply));
        switch (command, reply)
        {
            case (ReserveStock c, StockReserved r):
                Reservation(found, c.Items, r);
                break;
            case (AuthorizePayment c, PaymentAuthorized r):
                Same(found, "amount", c.Amount, r.Amount);
                break;
            case (CapturePayment c, PaymentCaptured r):
                Same(found, "paymentId", c.PaymentId, r.PaymentId);
                Same(found, "amount", Total, r.Amount);
                break;
            case (CapturePayment c, PaymentCaptureFailed r):
                Same(found, "paymentId", c.PaymentId, r.PaymentId);
                break;
            case (ConfirmOrder c, OrderConfirmed r):
                Same(found, "total", c.Total, r.Total);
                break;
            // A compensation's reply names what it undid only when something was there to undo; then it must be ours.
            case (VoidPayment, PaymentVoided { PaymentId: { } voided }) when PaymentId is not null:
                Same(found, "paymentId", PaymentId, voided);
                break;
            case (CancelShipment, ShipmentCancelled { ShipmentId: { } cancelled }) when ShipmentId is not null:
                Same(found, "shipmentId", ShipmentId, cancelled);
                break;
        }
        return found;
    }

    /// <summary>The lines asked for (per sku, as inventory merges them), in one currency, summing to the total.</summary>
    private static void Reservation(List<string> found, IReadOnlyList<OrderLine> asked, StockReserved r)
    {
        Same(found, "lines", Lines(asked.Select(i => (i.Sku, i.Quantity))), Lines(r.Lines.Select(l => (l.Sku, l.Quantity))));
        foreach (var line in r.Lines.Where(l => !string.Equals(l.Currency, r.Total.Currency, StringComparison.Ordinal)))
            found.Add($"lines[{line.Sku}].currency: expected {r.Total.Currency} (the total's), got {line.Currency}");
        decimal sum;
        try
        {
            sum = r.Lines.Sum(l => l.UnitPrice * l.Quantity);
        }
        catch (OverflowException)
        {
            found.Add($"total: the lines' sum overflows, got {Show(r.Total)}");
            return;
        }
        if (sum != r.Total.Amount)
            found.Add($"total: expected {Show(new Money(sum, r.Total.Currency))} (the sum of the lines), got {Show(r.Total)}");
    }

    private static void Same(List<string> found, string what, string? expected, string? got)
    {
        if (!string.Equals(expected, got, StringComparison.Ordinal))
            found.Add($"{what}: expected {expected ?? "none"}, got {got ?? "none"}");
    }

    /// <summary>Money is equal by value (37.5 = 37.50) and the same currency code.</summary>
    private static void Same(List<string> found, string what, Money? expected, Money got)
    {
        if (expected != got) found.Add($"{what}: expected {(expected is null ? "none" : Show(expected))}, got {Show(got)}");
    }

    /// <summary>Formatted the same on every machine (the detail is part of the saga's replayed status).</summary>
    private static string Show(Money m) => $"{m.Amount.ToString(CultureInfo.InvariantCulture)} {m.Currency}";

    private static string Lines(IEnumerable<(string Sku, int Quantity)> lines) => string.Join(", ", lines
        .GroupBy(l => l.Sku, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key} x{g.Sum(l => l.Quantity).ToString(CultureInfo.InvariantCulture)}"));

    private static string OrderIdOf(object reply) => reply switch
    {
        StockReserved r => r.OrderId,
        StockReservationRejected r => r.OrderId,
        StockReleased r => r.OrderId,
        StockCommitted r => r.OrderId,
        PaymentAuthorized r => r.OrderId,
        PaymentDeclined r => r.OrderId,
        PaymentCaptured r => r.OrderId,
        PaymentCaptureFailed r => r.OrderId,
        PaymentVoided r => r.OrderId,
        ShipmentCreated r => r.OrderId,
        ShipmentRejected r => r.OrderId,
        ShipmentCancelled r => r.OrderId,
        OrderConfirmed r => r.OrderId,
        OrderCancelled r => r.OrderId,
        _ => throw new ArgumentException($"{reply.GetType().Name} is not a reply the checkout takes.", nameof(reply)),
    };
}
