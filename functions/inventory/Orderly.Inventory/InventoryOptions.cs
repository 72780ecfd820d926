using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Inventory;

/// <summary>Where inventory listens and publishes: contract names (<see cref="Destinations"/>), never a setting.</summary>
public sealed record InventoryOptions(string CommandsQueue, string EventsTopic, string AvailabilitySubscription)
{
    /// <summary>The one topology: what the triggers, Bicep and the emulator config name too.</summary>
    public static readonly InventoryOptions Contract =
        new(Destinations.InventoryCommands, Destinations.InventoryEvents, Destinations.InventoryAvailabilitySubscription);

    /// <summary>The receive path of the availability read model's subscription.</summary>
    public string AvailabilityEntity => EntityPath.Subscription(EventsTopic, AvailabilitySubscription);
}
