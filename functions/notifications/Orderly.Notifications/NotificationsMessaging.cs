using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Notifications;

/// <summary>Where notifications receive order events from: <c>Messaging:Topics:OrdersEvents</c> / <c>Messaging:Subscriptions:Notifications</c>.</summary>
public sealed record NotificationsMessaging(string OrdersEventsTopic, string Subscription)
{
    public string Entity => EntityPath.Subscription(OrdersEventsTopic, Subscription);

    public static NotificationsMessaging From(IConfiguration configuration) => new(
        configuration["Messaging:Topics:OrdersEvents"] ?? Destinations.OrdersEvents,
        configuration["Messaging:Subscriptions:Notifications"] ?? "notifications");
}
