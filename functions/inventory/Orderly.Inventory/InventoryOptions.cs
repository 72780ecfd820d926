using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Inventory;

/// <summary>Where inventory listens and publishes; read from configuration with the <see cref="Destinations"/> names as defaults.</summary>
public sealed record InventoryOptions(string CommandsQueue, string EventsTopic, string AvailabilitySubscription)
{
    public const string AvailabilitySubscriptionDefault = "inventory-availability";

    /// <summary>The receive path of the availability read model's subscription.</summary>
    public string AvailabilityEntity => EntityPath.Subscription(EventsTopic, AvailabilitySubscription);

    public static InventoryOptions From(IConfiguration configuration) => new(
        configuration["Messaging:Queues:InventoryCommands"] ?? Destinations.InventoryCommands,
        configuration["Messaging:Topics:InventoryEvents"] ?? Destinations.InventoryEvents,
        configuration["Messaging:Subscriptions:InventoryAvailability"] ?? AvailabilitySubscriptionDefault);
}
