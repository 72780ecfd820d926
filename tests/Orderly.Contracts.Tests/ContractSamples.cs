using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;

namespace Orderly.Contracts.Tests;

/// <summary>One realistic, valid instance of every contract.</summary>
public static class ContractSamples
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);
    private static readonly ShippingAddress Address = new("Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB");
    private static readonly OrderLine[] Items = [new("tshirt-blue", 2), new("mug_orderly", 1)];
    private static readonly Money Total = new(59.97m, "EUR");

    public static readonly IReadOnlyList<object> All =
    [
        new OrderPlaced("ord-1", "cust-1", Items, Address, "tok_visa", At),
        new OrderConfirmed("ord-1", "cust-1", Total, At),
        new OrderCancelled("ord-1", "cust-1", "out-of-stock", At),
        new ConfirmOrder("ord-1", Total),
        new CancelOrder("ord-1", "payment-declined"),
        new ReserveStock("ord-1", Items),
        new StockReserved("ord-1", [new("tshirt-blue", 2, 19.99m, "EUR"), new("mug_orderly", 1, 19.99m, "EUR")], Total),
        new StockReservationRejected("ord-1", "out-of-stock", ["mug_orderly"]),
        new ReleaseStock("ord-1"),
        new StockReleased("ord-1"),
        new CommitStock("ord-1"),
        new StockCommitted("ord-1"),
        new StockLevelChanged("tshirt-blue", 10, 2, 8, At),
        new AuthorizePayment("ord-1", Total, "tok_visa"),
        new PaymentAuthorized("ord-1", "pay-1", Total),
        new PaymentDeclined("ord-1", "declined"),
        new CapturePayment("ord-1", "pay-1"),
        new PaymentCaptured("ord-1", "pay-1", Total),
        new PaymentCaptureFailed("ord-1", "pay-1", "provider-error"),
        new VoidPayment("ord-1"),
        new PaymentVoided("ord-1", null),
        new CreateShipment("ord-1", Address, Items),
        new ShipmentCreated("ord-1", "shp-1", "ORD1TRACK"),
        new ShipmentRejected("ord-1", "shipping-unavailable"),
        new CancelShipment("ord-1"),
        new ShipmentCancelled("ord-1", "shp-1"),
    ];
}
