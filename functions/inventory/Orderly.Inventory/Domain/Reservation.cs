using System.Text.Json.Serialization;
using Orderly.Contracts;

namespace Orderly.Inventory.Domain;

/// <summary>Where an order's reservation stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReservationStatus>))]
public enum ReservationStatus
{
    /// <summary>Recorded before any product is touched, so a crash or a concurrent release always knows which skus to undo.</summary>
    Reserving,
    Reserved,
    Rejected,
    Released,
    Committed,
}

/// <summary>
/// The reservation of one order (partition = order id): the idempotency anchor of ReserveStock, ReleaseStock and CommitStock.
/// A Released reservation is a tombstone: a late ReserveStock for the order is refused.
/// </summary>
public sealed class Reservation
{
    /// <summary>The document kind and id in the order's partition.</summary>
    public const string Kind = "reservation";

    [JsonConstructor]
    private Reservation(string orderId, ReservationStatus status, List<OrderLine>? lines, List<PricedLine>? pricedLines,
        Money? total, string? rejectionReason, List<string>? rejectedSkus, DateTimeOffset updatedAt)
    {
        OrderId = orderId;
        Status = status;
        Lines = lines ?? [];
        PricedLines = pricedLines ?? [];
        Total = total;
        RejectionReason = rejectionReason;
        RejectedSkus = rejectedSkus ?? [];
        UpdatedAt = updatedAt;
    }

    public string OrderId { get; private set; }

    public ReservationStatus Status { get; private set; }

    /// <summary>What was asked for: one line per sku, sorted by sku (the order products are locked in).</summary>
    [JsonInclude]
    public List<OrderLine> Lines { get; private set; }

    /// <summary>When Reserved (or Committed): each line with the price it was reserved at.</summary>
    [JsonInclude]
    public List<PricedLine> PricedLines { get; private set; }

    public Money? Total { get; private set; }

    public string? RejectionReason { get; private set; }

    [JsonInclude]
    public List<string> RejectedSkus { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Starts reserving: the lines merged per sku and sorted, so every attempt touches products in the same order.</summary>
    public static Reservation Begin(string orderId, IEnumerable<OrderLine> items, DateTimeOffset now)
    {
        var lines = items.GroupBy(i => i.Sku, StringComparer.Ordinal)
            .Select(g => new OrderLine(g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(l => l.Sku, StringComparer.Ordinal)
            .ToList();
        return new Reservation(orderId, ReservationStatus.Reserving, lines, null, null, null, null, now);
    }

    /// <summary>A tombstone for an order released before anything was reserved.</summary>
    public static Reservation ReleasedBeforeReserving(string orderId, DateTimeOffset now) =>
        new(orderId, ReservationStatus.Released, null, null, null, null, null, now);

    /// <summary>Every product line is held at these prices.</summary>
    public void Confirm(IReadOnlyList<PricedLine> pricedLines, DateTimeOffset now)
    {
        Require(ReservationStatus.Reserving, "confirm");
        var currencies = pricedLines.Select(l => l.Currency).Distinct(StringComparer.Ordinal).ToList();
        if (currencies.Count != 1)
            throw new InvalidOperationException("A reservation's lines share one currency.");
        PricedLines = [.. pricedLines];
        Total = new Money(pricedLines.Sum(l => l.UnitPrice * l.Quantity), currencies[0]);
        Status = ReservationStatus.Reserved;
        UpdatedAt = now;
    }

    /// <summary>Nothing is held: the products named could not serve the order.</summary>
    public void Reject(string reason, IReadOnlyList<string> skus, DateTimeOffset now)
    {
        Require(ReservationStatus.Reserving, "reject");
        RejectionReason = reason;
        RejectedSkus = [.. skus];
        Status = ReservationStatus.Rejected;
        UpdatedAt = now;
    }

    /// <summary>Nothing is held any more and nothing will be; a committed reservation cannot be released (the stock is sold).</summary>
    public void Release(DateTimeOffset now)
    {
        if (Status == ReservationStatus.Committed)
            throw new InvalidOperationException($"The reservation of order {OrderId} is committed: its stock is sold and cannot be released.");
        if (Status == ReservationStatus.Released) return;
        Status = ReservationStatus.Released;
        UpdatedAt = now;
    }

    /// <summary>The held stock is sold.</summary>
    public void Commit(DateTimeOffset now)
    {
        if (Status == ReservationStatus.Committed) return;
        Require(ReservationStatus.Reserved, "commit");
        Status = ReservationStatus.Committed;
        UpdatedAt = now;
    }

    private void Require(ReservationStatus expected, string act)
    {
        if (Status != expected)
            throw new InvalidOperationException($"Cannot {act} the reservation of order {OrderId}: it is {Status}, not {expected}.");
    }
}
