using Orderly.Hosting.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orderly.Checkout.Handlers;
using Orderly.Checkout.Http;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using Orderly.Messaging;
using Orderly.Orchestrations;

namespace Orderly.Checkout;

/// <summary>The checkout business service: its saga, step activity, handlers and route. The saga runtime is the host's choice.</summary>
public static class CheckoutModule
{
    public const string Name = "checkout";
    public const string Source = "/orderly/checkout";

    /// <summary>
    /// Registers options, the saga and its activity (for runtimes that find them in DI), the keyed EnvelopeFactory and the
    /// handlers. The host registers the keyed store (inbox), the <see cref="IMessagePublisher"/>, and the saga runtime
    /// (<see cref="ISagaStarter"/>, <see cref="ISagaEventRaiser"/>, <see cref="ISagaStatusReader"/>).
    /// </summary>
    public static IServiceCollection AddCheckoutContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Read now, so a bad value stops the host at start, not at the first order.
        services.TryAddSingleton(Options.Create(new CheckoutOptions().ReadFrom(configuration.GetSection(CheckoutOptions.Section))));
        services.AddKeyedSingleton(Name, (sp, _) => new EnvelopeFactory(Source, sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton<SendCheckoutCommand>();
        services.AddSaga<CheckoutInput, CheckoutStatus>(CheckoutSaga.Name, (_, ctx, input) => CheckoutSagaTracing.RunAsync(ctx, input));
        services.AddSagaActivity<CheckoutCommand, string>(SendCheckoutCommand.Name,
            (sp, command, ct) => sp.GetRequiredService<SendCheckoutCommand>().RunAsync(command, ct));

        services.AddMessageHandler<OrderPlaced, OrderPlacedHandler>(Name, OrderPlacedEntity);

        const string replies = RepliesEntity;
        services.AddMessageHandler<StockReserved, StockReservedHandler>(Name, replies);
        services.AddMessageHandler<StockReservationRejected, StockReservationRejectedHandler>(Name, replies);
        services.AddMessageHandler<StockReleased, StockReleasedHandler>(Name, replies);
        services.AddMessageHandler<StockCommitted, StockCommittedHandler>(Name, replies);
        services.AddMessageHandler<PaymentAuthorized, PaymentAuthorizedHandler>(Name, replies);
        services.AddMessageHandler<PaymentDeclined, PaymentDeclinedHandler>(Name, replies);
        services.AddMessageHandler<PaymentCaptured, PaymentCapturedHandler>(Name, replies);
        services.AddMessageHandler<PaymentCaptureFailed, PaymentCaptureFailedHandler>(Name, replies);
        services.AddMessageHandler<PaymentVoided, PaymentVoidedHandler>(Name, replies);
        services.AddMessageHandler<ShipmentCreated, ShipmentCreatedHandler>(Name, replies);
        services.AddMessageHandler<ShipmentRejected, ShipmentRejectedHandler>(Name, replies);
        services.AddMessageHandler<ShipmentCancelled, ShipmentCancelledHandler>(Name, replies);
        services.AddMessageHandler<OrderConfirmed, OrderConfirmedHandler>(Name, replies);
        services.AddMessageHandler<OrderCancelled, OrderCancelledHandler>(Name, replies);
        return services;
    }

    /// <summary>Where OrderPlaced arrives: the checkout's subscription to the orders' events (contract names, never a setting).</summary>
    public static readonly string OrderPlacedEntity = EntityPath.Subscription(Destinations.OrdersEvents, Destinations.CheckoutSubscription);

    /// <summary>Where the base services' replies arrive: the queue every command names as its reply-to.</summary>
    public const string RepliesEntity = Destinations.CheckoutReplies;

    /// <summary>Every route of the checkout API and who may call it; a Function's name is its row's name.</summary>
    public static class Routes
    {
        public static readonly ApiRoute GetCheckout = new(nameof(GetCheckout), "GET", "/api/checkout/{orderId}", RoutePolicy.For(Roles.Customer, Roles.Operator));

        public static readonly IReadOnlyList<ApiRoute> All = [GetCheckout];
    }

    /// <summary>Maps <c>GET /api/checkout/{orderId}</c>.</summary>
    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Routes.GetCheckout, CheckoutEndpoints.GetCheckout)
            .WithSummary("The checkout saga of an order: status, current step, steps and compensations; a customer sees only their own (others: 404).")
            .Produces<CheckoutView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithTags(Name);
        return routes;
    }
}
