namespace Orderly.Contracts;

/// <summary>The default names of the queues, topics and subscriptions the contracts travel on; apps read the real names from configuration.</summary>
public static class Destinations
{
    public const string OrdersCommands = "orders-commands";
    public const string InventoryCommands = "inventory-commands";
    public const string PaymentsCommands = "payments-commands";
    public const string ShippingCommands = "shipping-commands";
    public const string CheckoutReplies = "checkout-replies";

    public const string OrdersEvents = "orders-events";
    public const string InventoryEvents = "inventory-events";

    /// <summary>Subscriptions, as (topic, subscription): who listens to which event stream.</summary>
    public static readonly IReadOnlyList<(string Topic, string Subscription)> Subscriptions =
    [
        (OrdersEvents, "checkout"),        // OrderPlaced starts the saga
        (OrdersEvents, "orders-read-model"), // the customer's orders list
        (OrdersEvents, "notifications"),   // emails to the customer
        (InventoryEvents, "inventory-availability"), // the availability read model
    ];

    /// <summary>Every queue name.</summary>
    public static readonly IReadOnlyList<string> Queues =
        [OrdersCommands, InventoryCommands, PaymentsCommands, ShippingCommands, CheckoutReplies];

    /// <summary>Every topic name.</summary>
    public static readonly IReadOnlyList<string> Topics = [OrdersEvents, InventoryEvents];
}
