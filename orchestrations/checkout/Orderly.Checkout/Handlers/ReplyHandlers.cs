using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Handlers;

// One handler per reply type on checkout-replies; each only says where the order id is.
#pragma warning disable CS1591
public sealed class StockReservedHandler(ISagaEventRaiser s) : ReplyHandler<StockReserved>(s) { protected override string OrderIdOf(StockReserved m) => m.OrderId; }
public sealed class StockReservationRejectedHandler(ISagaEventRaiser s) : ReplyHandler<StockReservationRejected>(s) { protected override string OrderIdOf(StockReservationRejected m) => m.OrderId; }
public sealed class StockReleasedHandler(ISagaEventRaiser s) : ReplyHandler<StockReleased>(s) { protected override string OrderIdOf(StockReleased m) => m.OrderId; }
public sealed class StockCommittedHandler(ISagaEventRaiser s) : ReplyHandler<StockCommitted>(s) { protected override string OrderIdOf(StockCommitted m) => m.OrderId; }
public sealed class PaymentAuthorizedHandler(ISagaEventRaiser s) : ReplyHandler<PaymentAuthorized>(s) { protected override string OrderIdOf(PaymentAuthorized m) => m.OrderId; }
public sealed class PaymentDeclinedHandler(ISagaEventRaiser s) : ReplyHandler<PaymentDeclined>(s) { protected override string OrderIdOf(PaymentDeclined m) => m.OrderId; }
public sealed class PaymentCapturedHandler(ISagaEventRaiser s) : ReplyHandler<PaymentCaptured>(s) { protected override string OrderIdOf(PaymentCaptured m) => m.OrderId; }
public sealed class PaymentCaptureFailedHandler(ISagaEventRaiser s) : ReplyHandler<PaymentCaptureFailed>(s) { protected override string OrderIdOf(PaymentCaptureFailed m) => m.OrderId; }
public sealed class PaymentVoidedHandler(ISagaEventRaiser s) : ReplyHandler<PaymentVoided>(s) { protected override string OrderIdOf(PaymentVoided m) => m.OrderId; }
public sealed class ShipmentCreatedHandler(ISagaEventRaiser s) : ReplyHandler<ShipmentCreated>(s) { protected override string OrderIdOf(ShipmentCreated m) => m.OrderId; }
public sealed class ShipmentRejectedHandler(ISagaEventRaiser s) : ReplyHandler<ShipmentRejected>(s) { protected override string OrderIdOf(ShipmentRejected m) => m.OrderId; }
public sealed class ShipmentCancelledHandler(ISagaEventRaiser s) : ReplyHandler<ShipmentCancelled>(s) { protected override string OrderIdOf(ShipmentCancelled m) => m.OrderId; }
public sealed class OrderConfirmedHandler(ISagaEventRaiser s) : ReplyHandler<OrderConfirmed>(s) { protected override string OrderIdOf(OrderConfirmed m) => m.OrderId; }
public sealed class OrderCancelledHandler(ISagaEventRaiser s) : ReplyHandler<OrderCancelled>(s) { protected override string OrderIdOf(OrderCancelled m) => m.OrderId; }
#pragma warning restore CS1591
