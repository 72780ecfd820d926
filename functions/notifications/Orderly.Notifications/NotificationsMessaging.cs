using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Notifications;

/// <summary>Where notifications receive order events from: contract names (<see cref="Destinations"/>), never a setting.</summary>
public sealed record NotificationsMessaging(string OrdersEventsTopic, string Subscription)
{
    /// <summary>The one topology: what the trigger, Bicep and the emulator config name too.</summary>
    public static readonly NotificationsMessaging Contract = new(Destinations.OrdersEvents, Destinations.NotificationsSubscription);

    public string Entity => EntityPath.Subscription(OrdersEventsTopic, Subscription);
}
