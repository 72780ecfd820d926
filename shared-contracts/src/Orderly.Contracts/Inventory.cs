namespace Orderly.Contracts.Inventory;

/// <summary>Command to inventory: hold these quantities for the order.</summary>
[MessageType("orderly.inventory.reserve-stock.v1", MessageKind.Command)]
public sealed record ReserveStock(string OrderId, IReadOnlyList<OrderLine> Items);

/// <summary>Reply: stock is held; the unit prices fix the order's total.</summary>
[MessageType("orderly.inventory.stock-reserved.v1", MessageKind.Reply)]
public sealed record StockReserved(string OrderId, IReadOnlyList<PricedLine> Lines, Money Total);

/// <summary>Reply: nothing was held; reason is <c>out-of-stock</c> (unknown skus count as out of stock) or <c>released</c>.</summary>
[MessageType("orderly.inventory.stock-reservation-rejected.v1", MessageKind.Reply)]
public sealed record StockReservationRejected(string OrderId, string Reason, IReadOnlyList<string> Skus);

/// <summary>Command to inventory (compensation): give back whatever is held for the order; safe before, after or without a reservation.</summary>
[MessageType("orderly.inventory.release-stock.v1", MessageKind.Command)]
public sealed record ReleaseStock(string OrderId);

/// <summary>Reply: nothing is held for the order any more, and a late ReserveStock for it will be refused.</summary>
[MessageType("orderly.inventory.stock-released.v1", MessageKind.Reply)]
public sealed record StockReleased(string OrderId);

/// <summary>Command to inventory: the held stock is sold (on hand and reserved both go down).</summary>
[MessageType("orderly.inventory.commit-stock.v1", MessageKind.Command)]
public sealed record CommitStock(string OrderId);

/// <summary>Reply: the reservation is committed.</summary>
[MessageType("orderly.inventory.stock-committed.v1", MessageKind.Reply)]
public sealed record StockCommitted(string OrderId);

/// <summary>Event: a product's stock level changed; feeds availability read models.</summary>
[MessageType("orderly.inventory.stock-level-changed.v1", MessageKind.Event)]
public sealed record StockLevelChanged(string Sku, int OnHand, int Reserved, int Available, DateTimeOffset ChangedAt);
