namespace Orderly.Contracts.Shipping;

/// <summary>Command to shipping: create a shipment for the order.</summary>
[MessageType("orderly.shipping.create-shipment.v1", MessageKind.Command)]
public sealed record CreateShipment(string OrderId, ShippingAddress Address, IReadOnlyList<OrderLine> Items);

/// <summary>Reply: the shipment exists, with its tracking number.</summary>
[MessageType("orderly.shipping.shipment-created.v1", MessageKind.Reply)]
public sealed record ShipmentCreated(string OrderId, string ShipmentId, string TrackingNumber);

/// <summary>Reply: shipping cannot serve this order (for example country <c>AQ</c>).</summary>
[MessageType("orderly.shipping.shipment-rejected.v1", MessageKind.Reply)]
public sealed record ShipmentRejected(string OrderId, string Reason);

/// <summary>Command to shipping (compensation): cancel the order's shipment; safe before, after or without one.</summary>
[MessageType("orderly.shipping.cancel-shipment.v1", MessageKind.Command)]
public sealed record CancelShipment(string OrderId);

/// <summary>Reply: no shipment stands for the order, and a late CreateShipment will be refused.</summary>
[MessageType("orderly.shipping.shipment-cancelled.v1", MessageKind.Reply)]
public sealed record ShipmentCancelled(string OrderId, string? ShipmentId = null);
