using System.Text.Json.Serialization;
using Orderly.Contracts;
using Orderly.Orders.Domain;

namespace Orderly.Orders.Http;

/// <summary>The answer to a placed order: where it is and its status (202 Accepted; the checkout runs after).</summary>
public sealed record OrderAccepted(string OrderId, OrderStatus Status);

/// <summary>
/// An order as <c>GET /api/orders/{orderId}</c> shows it. <c>total</c> is <c>null</c> until the checkout has priced and confirmed
/// the order (prices come from inventory at reservation), and stays <c>null</c> for an order cancelled before that.
/// The payment token is never shown.
/// </summary>
public sealed record OrderView(
    string OrderId,
    string CustomerId,
    OrderStatus Status,
    IReadOnlyList<OrderLine> Items,
    Money? Total,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CancellationReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static OrderView Of(Order o) =>
        new(o.OrderId, o.CustomerId, o.Status, o.Items, o.Total, o.CancellationReason, o.CreatedAt, o.UpdatedAt);
}

/// <summary>
/// One line of <c>GET /api/customers/{customerId}/orders</c> and of the operator's <c>GET /api/orders</c> (the read model;
/// eventually consistent with the orders).
/// </summary>
/// <param name="ItemCount">Units ordered (the sum of the lines' quantities), as the customer's notifications count items.</param>
public sealed record CustomerOrderView(
    string OrderId,
    string CustomerId,
    OrderStatus Status,
    Money? Total,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CancellationReason,
    int? ItemCount,
    DateTimeOffset? PlacedAt,
    DateTimeOffset UpdatedAt)
{
    public static CustomerOrderView Of(CustomerOrderSummary s) =>
        new(s.OrderId, s.CustomerId, s.Status, s.Total, s.CancellationReason, s.ItemCount, s.PlacedAt, s.UpdatedAt);
}

/// <summary>The body of <c>POST /api/orders</c>, for the OpenAPI document (the endpoint reads and checks the JSON itself).</summary>
public sealed record PlaceOrderBody(string CustomerId, IReadOnlyList<OrderLine> Items, ShippingAddress ShippingAddress, string PaymentToken);
