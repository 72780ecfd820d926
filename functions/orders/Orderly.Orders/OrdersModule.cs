using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Orders;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;
using Orderly.Messaging;
using Orderly.Storage;
using Microsoft.Extensions.Logging;
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

    /// <summary>Every route of the orders API and who may call it; a Function's name is its row's name.</summary>
    public static class Routes
    {
        public static readonly ApiRoute PlaceOrder = new(nameof(PlaceOrder), "POST", "/api/orders",
            RoutePolicy.For(Roles.Customer).WithBody(32 * 1024).RateLimited(SubjectRateLimits.PlaceOrder));
        public static readonly ApiRoute GetOrder = new(nameof(GetOrder), "GET", "/api/orders/{orderId}", RoutePolicy.For(Roles.Customer, Roles.Operator));
        public static readonly ApiRoute SearchOrders = new(nameof(SearchOrders), "GET", "/api/orders", RoutePolicy.For(Roles.Operator));
        public static readonly ApiRoute GetCustomerOrders = new(nameof(GetCustomerOrders), "GET", "/api/customers/{customerId}/orders", RoutePolicy.For(Roles.Customer, Roles.Operator));

        public static readonly IReadOnlyList<ApiRoute> All = [PlaceOrder, SearchOrders, GetOrder, GetCustomerOrders];
    }

    /// <summary>
    /// Registers the entity names, the keyed EnvelopeFactory and the handlers: ConfirmOrder/CancelOrder on the commands queue,
    /// and the order events on the read-model subscription. The host registers the keyed <c>IDocumentStore</c>.
    /// </summary>
    public static IServiceCollection AddOrdersContext(this IServiceCollection services, IConfiguration configuration)
    {
        var messaging = OrdersMessaging.Contract;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(messaging);
        services.AddKeyedSingleton(Name, (sp, _) => new EnvelopeFactory(Source, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new OrdersServices(sp.GetRequiredKeyedService<IDocumentStore>(Name),
            sp.GetRequiredKeyedService<EnvelopeFactory>(Name), messaging, sp.GetRequiredService<ILogger<OrdersServices>>()));

        services.AddMessageHandler<ConfirmOrder, ConfirmOrderHandler>(Name, messaging.CommandsQueue);
        services.AddMessageHandler<CancelOrder, CancelOrderHandler>(Name, messaging.CommandsQueue);
        services.AddMessageHandler<OrderPlaced, OrderPlacedReadModelHandler>(Name, messaging.ReadModelEntity);
        services.AddMessageHandler<OrderConfirmed, OrderConfirmedReadModelHandler>(Name, messaging.ReadModelEntity);
        services.AddMessageHandler<OrderCancelled, OrderCancelledReadModelHandler>(Name, messaging.ReadModelEntity);
        return services;
    }

    /// <summary>Maps <c>POST /api/orders</c>, <c>GET /api/orders</c> (operators' search), <c>GET /api/orders/{orderId}</c> and <c>GET /api/customers/{customerId}/orders</c>.</summary>
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Routes.PlaceOrder, OrdersEndpoints.PlaceOrder)
            .WithSummary("Places an order for the calling customer; the checkout confirms or cancels it.")
            .Accepts<PlaceOrderBody>("application/json")
            .ReadsHeader(OrdersEndpoints.IdempotencyKeyHeader, "Makes a retry safe: the same key with the same body answers the first order "
                + "again (202); with another body it is a 422 naming the key. 1 to 128 visible ASCII characters.", PlaceOrderInput.MaxIdempotencyKeyLength)
            .Produces<OrderAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .WithTags(Name);
        routes.MapApi(Routes.SearchOrders, OrdersEndpoints.SearchOrders)
            .WithSummary("Operators: orders of every customer from the read model, a page at a time (in store order: by customer, then order id). "
                + "?customerId= reads one customer's orders, ?status=Pending|Confirmed|Cancelled filters; ?pageSize= (1–200, default 50) and "
                + "?continuation= (the previous page's, opaque) page through; a continuation that is not one is a 400 naming it.")
            .Paged()
            .Produces<Page<CustomerOrderView>>()
            .ProducesValidationProblem()
            .WithTags(Name);
        routes.MapApi(Routes.GetOrder, OrdersEndpoints.GetOrder)
            .WithSummary("An order with its status, items and (once confirmed) total; a customer sees only their own (others: 404).")
            .Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithTags(Name);
        routes.MapApi(Routes.GetCustomerOrders, OrdersEndpoints.GetCustomerOrders)
            .WithSummary("A customer's orders, newest first (read model fed by order events); a customer may list only their own (403).")
            .Produces<IReadOnlyList<CustomerOrderView>>()
            .ProducesValidationProblem()
            .WithTags(Name);
        return routes;
    }
}
