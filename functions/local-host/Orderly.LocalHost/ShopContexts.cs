namespace Orderly.LocalHost;

/// <summary>The contexts this host runs; each has its own container (= DI key of its store) in the one SQLite file.</summary>
public static class ShopContexts
{
    public static readonly IReadOnlyList<string> Containers =
    [
        Orders.OrdersModule.Name,
        Inventory.InventoryModule.Name,
        Payments.PaymentsModule.Name,
        Shipping.ShippingModule.Name,
        Notifications.NotificationsModule.Name,
        Checkout.CheckoutModule.Name,
    ];
}
