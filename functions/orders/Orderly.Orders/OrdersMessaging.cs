using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Orders;

/// <summary>The entities the orders context uses, from configuration with the <see cref="Destinations"/> names as defaults.</summary>
public sealed record OrdersMessaging(string CommandsQueue, string EventsTopic, string ReadModelSubscription)
{
    /// <summary>Where the read-model handlers receive order events from.</summary>
    public string ReadModelEntity => EntityPath.Subscription(EventsTopic, ReadModelSubscription);

    /// <summary>Reads <c>Messaging:Queues:OrdersCommands</c>, <c>Messaging:Topics:OrdersEvents</c>, <c>Messaging:Subscriptions:OrdersReadModel</c>.</summary>
    public static OrdersMessaging From(IConfiguration configuration) => new(
        configuration["Messaging:Queues:OrdersCommands"] ?? Destinations.OrdersCommands,
        configuration["Messaging:Topics:OrdersEvents"] ?? Destinations.OrdersEvents,
        configuration["Messaging:Subscriptions:OrdersReadModel"] ?? "orders-read-model");
}
