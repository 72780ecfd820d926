using Orderly.Contracts;
using Orderly.Contracts.Orders;

namespace Orderly.Orders.Domain;

/// <summary>
/// One line of a customer's orders list (read model), built from order events that may arrive twice or out of order.
/// Status only moves forward by rank (Pending &lt; Confirmed/Cancelled), so a late OrderPlaced never regresses a final
/// status; placedAt is filled by OrderPlaced whenever it comes; updatedAt is the newest event time seen.
/// </summary>
public sealed record CustomerOrderSummary(
    string OrderId,
    string CustomerId,
    OrderStatus Status,
    Money? Total,
    string? CancellationReason,
    int? ItemCount,
    DateTimeOffset? PlacedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The document kind of summaries.</summary>
    public const string Kind = "order-summary";

    /// <summary>The partition of a customer's summaries.</summary>
    public static string PartitionFor(string customerId) => "customer:" + customerId;

    /// <summary>The document id of an order's summary.</summary>
    public static string DocumentIdFor(string orderId) => "order-summary:" + orderId;

    /// <summary>When the list sorts this order: when it was placed, or, until OrderPlaced arrives, the first event seen.</summary>
    public DateTimeOffset SortTime => PlacedAt ?? UpdatedAt;

    /// <summary>Applies OrderPlaced to the summary (or starts it).</summary>
    public static CustomerOrderSummary Apply(CustomerOrderSummary? current, OrderPlaced e) =>
        current is null
            ? new(e.OrderId, e.CustomerId, OrderStatus.Pending, null, null, UnitsOf(e), e.PlacedAt, e.PlacedAt)
            : current with { PlacedAt = e.PlacedAt, ItemCount = UnitsOf(e), UpdatedAt = Max(current.UpdatedAt, e.PlacedAt) };

    // An item is one unit, as the customer's notification counts it (3 mugs are 3 items, on one line).
    private static int UnitsOf(OrderPlaced e) => e.Items.Sum(l => l.Quantity);

    /// <summary>Applies OrderConfirmed (never undone by a late OrderPlaced).</summary>
    public static CustomerOrderSummary Apply(CustomerOrderSummary? current, OrderConfirmed e) =>
        current is null
            ? new(e.OrderId, e.CustomerId, OrderStatus.Confirmed, e.Total, null, null, null, e.ConfirmedAt)
            : current.Advance(OrderStatus.Confirmed, e.ConfirmedAt) with { Total = e.Total };

    /// <summary>Applies OrderCancelled (never undone by a late OrderPlaced).</summary>
    public static CustomerOrderSummary Apply(CustomerOrderSummary? current, OrderCancelled e) =>
        current is null
            ? new(e.OrderId, e.CustomerId, OrderStatus.Cancelled, e.Total, e.Reason, null, null, e.CancelledAt)
            : current.Advance(OrderStatus.Cancelled, e.CancelledAt) with { CancellationReason = e.Reason, Total = current.Total ?? e.Total };

    private CustomerOrderSummary Advance(OrderStatus to, DateTimeOffset at) =>
        this with { Status = Rank(to) >= Rank(Status) ? to : Status, UpdatedAt = Max(UpdatedAt, at) };

    private static int Rank(OrderStatus s) => s == OrderStatus.Pending ? 0 : 1;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
