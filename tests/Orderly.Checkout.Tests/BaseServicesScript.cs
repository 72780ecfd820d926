using System.Text.Json;
using Orderly.Checkout.Saga;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;

namespace Orderly.Checkout.Tests;

/// <summary>Base services that answer every command the happy way, unless told otherwise for a command.</summary>
public static class BaseServicesScript
{
    public const string OrderId = "order-1";
    public static readonly Money Total = new(37.50m, "EUR");

    public static CheckoutInput Input(CheckoutSettings? settings = null) => new(
        OrderId, "cust-1", [new OrderLine("SKU-1", 3)], new ShippingAddress("Ada", "1 Main St", "Paris", "75001", "FR"),
        "tok_ok", "placed-1", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", settings ?? Settings());

    public static CheckoutSettings Settings(int compensationAttempts = 3) => new(
        TimeSpan.FromSeconds(30), 3, TimeSpan.FromSeconds(1), compensationAttempts, TimeSpan.FromSeconds(2),
        new CheckoutQueueNames("inventory-commands", "payments-commands", "shipping-commands", "orders-commands", "checkout-replies"));

    /// <summary>The C# name of a command's contract, e.g. <c>ReserveStock</c>.</summary>
    public static string KindOf(CheckoutCommand c) => MessageCatalog.Find(c.Type)!.ClrType.Name;

    public static T DataOf<T>(CheckoutCommand c) => c.Data.Deserialize<T>(MessageCatalog.JsonOptions)!;

    /// <summary>The happy answer, or the override's answer when it gives one for the command's kind.</summary>
    public static Func<CheckoutCommand, Answer> Script(Func<string, CheckoutCommand, Answer?>? overrides = null) => command =>
        overrides?.Invoke(KindOf(command), command) ?? Happy(command);

    public static Answer Happy(CheckoutCommand c) => KindOf(c) switch
    {
        nameof(ReserveStock) => Answer.With(new StockReserved(OrderId, [new PricedLine("SKU-1", 3, 12.50m, "EUR")], Total)),
        nameof(AuthorizePayment) => Answer.With(new PaymentAuthorized(OrderId, "pay-1", DataOf<AuthorizePayment>(c).Amount)),
        nameof(CreateShipment) => Answer.With(new ShipmentCreated(OrderId, "shp-1", "TRK-1")),
        nameof(CapturePayment) => Answer.With(new PaymentCaptured(OrderId, DataOf<CapturePayment>(c).PaymentId, Total)),
        nameof(CommitStock) => Answer.With(new StockCommitted(OrderId)),
        nameof(ConfirmOrder) => Answer.With(new OrderConfirmed(OrderId, "cust-1", DataOf<ConfirmOrder>(c).Total, DateTimeOffset.UnixEpoch)),
        nameof(ReleaseStock) => Answer.With(new StockReleased(OrderId)),
        nameof(VoidPayment) => Answer.With(new PaymentVoided(OrderId, "pay-1")),
        nameof(CancelShipment) => Answer.With(new ShipmentCancelled(OrderId, "shp-1")),
        nameof(CancelOrder) => Answer.With(new OrderCancelled(OrderId, "cust-1", DataOf<CancelOrder>(c).Reason, DateTimeOffset.UnixEpoch)),
        var k => throw new InvalidOperationException("unscripted command " + k),
    };
}
