using Orderly.Hosting.Access;
using Microsoft.AspNetCore.Builder;
using Orderly.Hosting.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Shipping;
using Orderly.Messaging;
using Orderly.Shipping.Carrier;
using Orderly.Shipping.Handlers;
using Orderly.Shipping.Http;

namespace Orderly.Shipping;

/// <summary>The shipping context: shipments booked with a carrier port. Hosts register the store.</summary>
public static class ShippingModule
{
    /// <summary>Context name = Cosmos container name = DI key.</summary>
    public const string Name = "shipping";

    /// <summary>CloudEvents source of everything shipping sends.</summary>
    public const string Source = "/orderly/shipping";

    /// <summary>Registers the keyed EnvelopeFactory, the carrier (<see cref="SimulatedCarrier"/> unless the host registered another) and every handler.</summary>
    public static IServiceCollection AddShippingContext(this IServiceCollection services, IConfiguration configuration)
    {
        const string commands = Destinations.ShippingCommands; // contract name, never a setting
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(Name, (sp, _) => new EnvelopeFactory(Source, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ICarrier, SimulatedCarrier>();
        services.AddMessageHandler<CreateShipment, CreateShipmentHandler>(Name, commands);
        services.AddMessageHandler<CancelShipment, CancelShipmentHandler>(Name, commands);
        return services;
    }

    /// <summary>Every route of the shipping API and who may call it; a Function's name is its row's name.</summary>
    public static class Routes
    {
        public static readonly ApiRoute GetShipments = new(nameof(GetShipments), "GET", "/api/shipments", RoutePolicy.For(Roles.Operator));

        public static readonly IReadOnlyList<ApiRoute> All = [GetShipments];
    }

    /// <summary>Maps the shipping read API under <c>/api/shipments</c>.</summary>
    public static IEndpointRouteBuilder MapShippingApi(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Routes.GetShipments, ShippingEndpoints.GetShipments)
            .WithTags(Name)
            .WithSummary("The shipments of an order (none, or one).")
            .Produces<List<ShipmentView>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .RequiresQuery("orderId");
        return routes;
    }
}
