using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Handlers;
using Orderly.Inventory.Http;
using Orderly.Messaging;

namespace Orderly.Inventory;

/// <summary>The inventory context: products, stock and reservations. Hosts call these two methods; the store is theirs to register.</summary>
public static class InventoryModule
{
    /// <summary>Context name = Cosmos container name = DI key.</summary>
    public const string Name = "inventory";

    /// <summary>CloudEvents source of everything inventory sends.</summary>
    public const string Source = "/orderly/inventory";

    /// <summary>
    /// Registers options, the keyed EnvelopeFactory and every handler (commands on the inventory queue, StockLevelChanged on the
    /// availability subscription). Does not register the store: the host adds a keyed IDocumentStore under <see cref="Name"/>.
    /// </summary>
    public static IServiceCollection AddInventoryContext(this IServiceCollection services, IConfiguration configuration)
    {
        var options = InventoryOptions.From(configuration);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(Name, (sp, _) => new EnvelopeFactory(Source, sp.GetRequiredService<TimeProvider>()));
        services.AddMessageHandler<ReserveStock, ReserveStockHandler>(Name, options.CommandsQueue);
        services.AddMessageHandler<ReleaseStock, ReleaseStockHandler>(Name, options.CommandsQueue);
        services.AddMessageHandler<CommitStock, CommitStockHandler>(Name, options.CommandsQueue);
        services.AddMessageHandler<StockLevelChanged, StockLevelChangedHandler>(Name, options.AvailabilityEntity);
        return services;
    }

    /// <summary>Maps the inventory admin API under <c>/api/inventory</c>.</summary>
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/inventory").WithTags(Name);
        api.MapPut("/products/{sku}", InventoryEndpoints.PutProduct)
            .WithName("PutProduct")
            .WithSummary("Creates a product (201) or changes its name and price (200).")
            .Accepts<ProductDetails>("application/json")
            .Produces<ProductView>(StatusCodes.Status200OK)
            .Produces<ProductView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/products/{sku}/stock", InventoryEndpoints.AdjustStock)
            .WithName("AdjustStock")
            .WithSummary("Adds stock, or removes it with a negative quantity; never below what is reserved (409).")
            .Accepts<StockAdjustment>("application/json")
            .Produces<ProductView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/products/{sku}", InventoryEndpoints.GetProduct)
            .WithName("GetProduct")
            .WithSummary("A product with its stock on hand, reserved and available.")
            .Produces<ProductView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/availability", InventoryEndpoints.GetAvailability)
            .WithName("GetAvailability")
            .WithSummary("Available stock per sku from the availability read model.")
            .WithDescription("Eventually consistent: fed by StockLevelChanged events, so it can lag the products by moments; asOf says when each figure was true. Unknown skus are left out.")
            .Produces<List<AvailabilityView>>(StatusCodes.Status200OK)
            .ProducesValidationProblem();
        return routes;
    }
}
