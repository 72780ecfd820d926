using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Messaging;
using Orderly.Orders.Handlers;
using Orderly.Orders.Http;

namespace Orderly.Orders;

/// <summary>The orders context: registration of its services and handlers, and its HTTP routes.</summary>
public static class OrdersModule
{
    /// <summary>Context name = Cosmos container name = DI key.</summary>
    public const string Name = "orders";

    /// <summary>CloudEvents source of the orders context.</summary>
    public const string Source = "/orderly/orders";

    /// <summary>
    /// Registers the entity names, the keyed EnvelopeFactory and the handlers: ConfirmOrder/CancelOrder on the commands queue,
    /// and the order events on the read-model subscription. The host registers the keyed <c>IDocumentStore</c>.
    /// </summary>
    public static IServiceCollection AddOrdersContext(this IServiceCollection services, IConfiguration configuration)
    {
        var messaging = OrdersMessaging.From(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(messaging);
        services.AddKeyedSingleton(Name, (sp, _) => new EnvelopeFactory(Source, sp.GetRequiredService<TimeProvider>()));

        services.AddMessageHandler<ConfirmOrder, ConfirmOrderHandler>(Name, messaging.CommandsQueue);
        services.AddMessageHandler<CancelOrder, CancelOrderHandler>(Name, messaging.CommandsQueue);
        services.AddMessageHandler<OrderPlaced, OrderPlacedReadModelHandler>(Name, messaging.ReadModelEntity);
        services.AddMessageHandler<OrderConfirmed, OrderConfirmedReadModelHandler>(Name, messaging.ReadModelEntity);
        services.AddMessageHandler<OrderCancelled, OrderCancelledReadModelHandler>(Name, messaging.ReadModelEntity);
        return services;
    }

    /// <summary>Maps <c>POST /api/orders</c>, <c>GET /api/orders/{orderId}</c> and <c>GET /api/customers/{customerId}/orders</c>.</summary>
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/orders", OrdersEndpoints.PlaceOrder)
            .WithName("PlaceOrder")
            .WithSummary("Places an order; the checkout confirms or cancels it.")
            .Accepts<PlaceOrderBody>("application/json")
            .Produces<OrderAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithTags(Name);
        routes.MapGet("/api/orders/{orderId}", OrdersEndpoints.GetOrder)
            .WithName("GetOrder")
            .WithSummary("An order with its status, items and (once confirmed) total.")
            .Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithTags(Name);
        routes.MapGet("/api/customers/{customerId}/orders", OrdersEndpoints.GetCustomerOrders)
            .WithName("GetCustomerOrders")
            .WithSummary("A customer's orders, newest first (read model fed by order events).")
            .Produces<IReadOnlyList<CustomerOrderView>>()
            .ProducesValidationProblem()
            .WithTags(Name);
        return routes;
    }
}
