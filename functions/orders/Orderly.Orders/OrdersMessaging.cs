using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Orders;

/// <summary>The entities the orders context receives from and publishes to: contract names (<see cref="Destinations"/>), never a setting.</summary>
public sealed record OrdersMessaging(string CommandsQueue, string EventsTopic, string ReadModelSubscription)
{
    /// <summary>The one topology: what the triggers, Bicep and the emulator config name too.</summary>
    public static readonly OrdersMessaging Contract =
        new(Destinations.OrdersCommands, Destinations.OrdersEvents, Destinations.OrdersReadModelSubscription);

    /// <summary>Where the read-model handlers receive order events from.</summary>
    public string ReadModelEntity => EntityPath.Subscription(EventsTopic, ReadModelSubscription);
}
