using Orderly.Contracts.Orders;

namespace Orderly.Contracts;

/// <summary>
/// The queues, topics and subscriptions the contracts travel on. The names are contract, like the message types: no setting
/// renames one. A Service Bus trigger's entity is fixed when the Functions host indexes the app and is resolved from the
/// host's app settings, not from the worker's configuration that the cores read, so a rename by setting could make a trigger
/// listen on one queue while the consumer pipeline keys its handlers on another; and Bicep, the emulator config and the
/// embedded broker declare the entities by these names. Renaming an entity is a change here, checked by
/// Orderly.Infrastructure.Tests (OneTopologyTests) against every trigger, core, Bicep and the emulator config.
/// </summary>
public static class Destinations
{
    public const string OrdersCommands = "orders-commands";
    public const string InventoryCommands = "inventory-commands";
    public const string PaymentsCommands = "payments-commands";
    public const string ShippingCommands = "shipping-commands";
    public const string CheckoutReplies = "checkout-replies";

    public const string OrdersEvents = "orders-events";
    public const string InventoryEvents = "inventory-events";

    /// <summary>The checkout's subscription to <see cref="OrdersEvents"/>: OrderPlaced starts the saga.</summary>
    public const string CheckoutSubscription = "checkout";

    /// <summary>The orders read model's subscription to <see cref="OrdersEvents"/>: the customer's orders list.</summary>
    public const string OrdersReadModelSubscription = "orders-read-model";

    /// <summary>Notifications' subscription to <see cref="OrdersEvents"/>: emails to the customer.</summary>
    public const string NotificationsSubscription = "notifications";

    /// <summary>The availability read model's subscription to <see cref="InventoryEvents"/>.</summary>
    public const string InventoryAvailabilitySubscription = "inventory-availability";

    /// <summary>
    /// Who listens to which event stream, and to which of its types. A subscription declares types only when its consumers
    /// handle fewer than its topic carries (the checkout starts on OrderPlaced; OrderConfirmed and OrderCancelled reach it as
    /// replies on its queue); the others take all. Bicep's rules and the emulator config are checked against this list.
    /// </summary>
    public static readonly IReadOnlyList<TopicSubscription> Subscriptions =
    [
        new(OrdersEvents, CheckoutSubscription, [MessageCatalog.For<OrderPlaced>().Name]),
        new(OrdersEvents, OrdersReadModelSubscription),
        new(OrdersEvents, NotificationsSubscription),
        new(InventoryEvents, InventoryAvailabilitySubscription),
    ];

    /// <summary>Every queue name.</summary>
    public static readonly IReadOnlyList<string> Queues =
        [OrdersCommands, InventoryCommands, PaymentsCommands, ShippingCommands, CheckoutReplies];

    /// <summary>Every topic name.</summary>
    public static readonly IReadOnlyList<string> Topics = [OrdersEvents, InventoryEvents];
}
