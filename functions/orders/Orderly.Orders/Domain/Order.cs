using Orderly.Contracts;

namespace Orderly.Orders.Domain;

/// <summary>
/// A customer's order: Pending when placed, then Confirmed (with the total the checkout fixed) or Cancelled (with a reason).
/// Both ends are final; repeating the act that reached the current end is an idempotent no-op.
/// </summary>
public sealed class Order
{
    private Order(OrderSnapshot s)
    {
        OrderId = s.OrderId;
        CustomerId = s.CustomerId;
        Items = s.Items;
        ShippingAddress = s.ShippingAddress;
        PaymentToken = s.PaymentToken;
        RequestHash = s.RequestHash;
        Status = s.Status;
        Total = s.Total;
        CancellationReason = s.CancellationReason;
        CreatedAt = s.CreatedAt;
        UpdatedAt = s.UpdatedAt;
        ConfirmedAt = s.ConfirmedAt;
        CancelledAt = s.CancelledAt;
    }

    public string OrderId { get; private set; }
    public string CustomerId { get; private set; }
    public IReadOnlyList<OrderLine> Items { get; private set; }
    public ShippingAddress ShippingAddress { get; private set; }

    /// <summary>Handed to payments through OrderPlaced; never shown by the read API.</summary>
    public string PaymentToken { get; private set; }

    /// <summary>Hash of the placing request, to tell an idempotent retry from a different request under the same key.</summary>
    public string RequestHash { get; private set; }

    public OrderStatus Status { get; private set; }

    /// <summary>Null until the checkout has priced the order and confirmed it.</summary>
    public Money? Total { get; private set; }

    public string? CancellationReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? ConfirmedAt { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }

    /// <summary>Places a new order, Pending, with no total yet.</summary>
    public static Order Place(string orderId, PlaceOrder request, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        return new Order(new OrderSnapshot(orderId, request.CustomerId, request.Items, request.ShippingAddress, request.PaymentToken,
            request.CanonicalHash(), OrderStatus.Pending, null, null, now, now, null, null));
    }

    /// <summary>Whether <paramref name="request"/> is the request this order was placed with.</summary>
    public bool WasPlacedBy(PlaceOrder request) => request.CanonicalHash() == RequestHash;

    /// <summary>Confirms the order at <paramref name="total"/>; a repeat at the same total changes nothing.</summary>
    /// <exception cref="OrderRefusedException">The order is cancelled, or already confirmed at another total.</exception>
    public OrderChange Confirm(Money total, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(total);
        switch (Status)
        {
            case OrderStatus.Confirmed when Total == total:
                return OrderChange.AlreadyDone;
            case OrderStatus.Confirmed:
                throw new OrderRefusedException(OrderRefusedException.ConfirmedAtAnotherTotal,
                    $"Order {OrderId} is already confirmed at {Total!.Amount} {Total.Currency}, not {total.Amount} {total.Currency}.");
            case OrderStatus.Cancelled:
                throw new OrderRefusedException(OrderRefusedException.AlreadyCancelled,
                    $"Order {OrderId} was cancelled ({CancellationReason}) and cannot be confirmed.");
        }
        if (total.Amount < 0) throw new ArgumentOutOfRangeException(nameof(total), "A total cannot be negative.");
        Status = OrderStatus.Confirmed;
        Total = total;
        ConfirmedAt = now;
        UpdatedAt = now;
        return OrderChange.Changed;
    }

    /// <summary>
    /// Cancels the order with a reason code, keeping its total when the checkout knew it (<paramref name="knownTotal"/>);
    /// cancelling a cancelled order changes nothing (the first reason stays). A cancellation before the confirmation leaves
    /// the order cancelled, so a late ConfirmOrder is refused.
    /// </summary>
    /// <exception cref="OrderRefusedException">The order is already confirmed.</exception>
    public OrderChange Cancel(string reason, DateTimeOffset now, Money? knownTotal = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        switch (Status)
        {
            case OrderStatus.Cancelled:
                return OrderChange.AlreadyDone;
            case OrderStatus.Confirmed:
                throw new OrderRefusedException(OrderRefusedException.AlreadyConfirmed,
                    $"Order {OrderId} is confirmed and cannot be cancelled ({reason}).");
        }
        if (knownTotal is not null && knownTotal.Amount < 0) throw new ArgumentOutOfRangeException(nameof(knownTotal), "A total cannot be negative.");
        Status = OrderStatus.Cancelled;
        CancellationReason = reason;
        Total ??= knownTotal;
        CancelledAt = now;
        UpdatedAt = now;
        return OrderChange.Changed;
    }

    /// <summary>The event that tells the world the order was placed (starts the checkout).</summary>
    public Contracts.Orders.OrderPlaced Placed() => new(OrderId, CustomerId, Items, ShippingAddress, PaymentToken, CreatedAt);

    /// <summary>The confirmation as an event/reply; only for a confirmed order.</summary>
    public Contracts.Orders.OrderConfirmed Confirmed() =>
        Status == OrderStatus.Confirmed
            ? new(OrderId, CustomerId, Total!, ConfirmedAt!.Value)
            : throw new InvalidOperationException($"Order {OrderId} is {Status}, not confirmed.");

    /// <summary>The cancellation as an event/reply; only for a cancelled order.</summary>
    public Contracts.Orders.OrderCancelled Cancelled() =>
        Status == OrderStatus.Cancelled
            ? new(OrderId, CustomerId, CancellationReason!, CancelledAt!.Value, Total)
            : throw new InvalidOperationException($"Order {OrderId} is {Status}, not cancelled.");

    /// <summary>The order's state as stored.</summary>
    public OrderSnapshot ToSnapshot() => new(OrderId, CustomerId, Items, ShippingAddress, PaymentToken, RequestHash, Status, Total,
        CancellationReason, CreatedAt, UpdatedAt, ConfirmedAt, CancelledAt);

    /// <summary>Rebuilds an order from its stored state.</summary>
    public static Order FromSnapshot(OrderSnapshot snapshot) => new(snapshot);
}

/// <summary>The stored form of an <see cref="Order"/> (document kind <c>order</c>, id and partition = order id).</summary>
public sealed record OrderSnapshot(
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Items,
    ShippingAddress ShippingAddress,
    string PaymentToken,
    string RequestHash,
    OrderStatus Status,
    Money? Total,
    string? CancellationReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? CancelledAt);
