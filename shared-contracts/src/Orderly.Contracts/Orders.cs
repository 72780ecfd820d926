namespace Orderly.Contracts.Orders;

/// <summary>Event: a customer placed an order; starts the checkout saga.</summary>
[MessageType("orderly.orders.order-placed.v1", MessageKind.Event)]
public sealed record OrderPlaced(
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Items,
    ShippingAddress ShippingAddress,
    string PaymentToken,
    DateTimeOffset PlacedAt);

/// <summary>Event (and reply to ConfirmOrder): the order is confirmed with its final total.</summary>
[MessageType("orderly.orders.order-confirmed.v1", MessageKind.Event)]
public sealed record OrderConfirmed(string OrderId, string CustomerId, Money Total, DateTimeOffset ConfirmedAt);

/// <summary>Event (and reply to CancelOrder): the order is cancelled, with the reason.</summary>
[MessageType("orderly.orders.order-cancelled.v1", MessageKind.Event)]
public sealed record OrderCancelled(string OrderId, string CustomerId, string Reason, DateTimeOffset CancelledAt, Money? Total = null);

/// <summary>Command to orders: confirm the order at this total.</summary>
[MessageType("orderly.orders.confirm-order.v1", MessageKind.Command)]
public sealed record ConfirmOrder(string OrderId, Money Total);

/// <summary>
/// Command to orders: cancel the order, with a reason such as <c>out-of-stock</c>, and its total when the checkout knew it
/// (the stock was reserved at prices that fixed it), so a cancelled order still shows what it would have cost.
/// </summary>
[MessageType("orderly.orders.cancel-order.v1", MessageKind.Command)]
public sealed record CancelOrder(string OrderId, string Reason, Money? Total = null);
