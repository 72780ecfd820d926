using Microsoft.AspNetCore.Builder;
using Orderly.Hosting.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Inventory;
using Orderly.Hosting.Access;
using Orderly.Inventory.Handlers;
using Orderly.Inventory.Http;
using Orderly.Inventory.Persistence;
using Orderly.Messaging;
using Orderly.Storage;

namespace Orderly.Inventory;

/// <summary>The inventory context: products, stock and reservations. Hosts call these two methods; the store is theirs to register.</summary>
public static class InventoryModule
{
    /// <summary>Context name = Cosmos container name = DI key.</summary>
    public const string Name = "inventory";

    /// <summary>CloudEvents source of everything inventory sends.</summary>
    public const string Source = "/orderly/inventory";

    /// <summary>Every route of the inventory API and who may call it; a Function's name is its row's name.</summary>
    public static class Routes
    {
        // The largest valid product body is a 200-character name written as \uXXXX escapes (1.2 KB) plus price and currency.
        public static readonly ApiRoute PutProduct = new(nameof(PutProduct), "PUT", "/api/inventory/products/{sku}",
            RoutePolicy.For(Roles.ShopAdmin).WithBody(2 * 1024));
        public static readonly ApiRoute AdjustStock = new(nameof(AdjustStock), "POST", "/api/inventory/products/{sku}/stock",
            RoutePolicy.For(Roles.ShopAdmin).WithBody(1024));
        // The catalog is public: a shopper reads products and availability without signing in.
        public static readonly ApiRoute ListProducts = new(nameof(ListProducts), "GET", "/api/inventory/products", RoutePolicy.Anyone);
        public static readonly ApiRoute GetProduct = new(nameof(GetProduct), "GET", "/api/inventory/products/{sku}", RoutePolicy.Anyone);
        public static readonly ApiRoute GetAvailability = new(nameof(GetAvailability), "GET", "/api/inventory/availability", RoutePolicy.Anyone);

        public static readonly IReadOnlyList<ApiRoute> All = [PutProduct, AdjustStock, ListProducts, GetProduct, GetAvailability];
    }

    /// <summary>
    /// Registers options, the keyed EnvelopeFactory, the endpoints' <see cref="InventoryServices"/> and every handler (commands
    /// on the inventory queue, StockLevelChanged on the availability subscription). Does not register the store: the host adds a
    /// keyed IDocumentStore under <see cref="Name"/>.
    /// </summary>
    public static IServiceCollection AddInventoryContext(this IServiceCollection services, IConfiguration configuration)
    {
        var options = InventoryOptions.Contract;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(Name, (sp, _) => new EnvelopeFactory(Source, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredKeyedService<IDocumentStore>(Name);
            return new InventoryServices(store, new ProductShelf(store, sp.GetRequiredKeyedService<EnvelopeFactory>(Name), options),
                sp.GetRequiredService<ILogger<InventoryServices>>());
        });
        services.AddMessageHandler<ReserveStock, ReserveStockHandler>(Name, options.CommandsQueue);
        services.AddMessageHandler<ReleaseStock, ReleaseStockHandler>(Name, options.CommandsQueue);
        services.AddMessageHandler<CommitStock, CommitStockHandler>(Name, options.CommandsQueue);
        services.AddMessageHandler<StockLevelChanged, StockLevelChangedHandler>(Name, options.AvailabilityEntity);
        return services;
    }

    /// <summary>Maps every route of <see cref="Routes"/>: catalog reads for anyone, product and stock changes for shop admins.</summary>
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Routes.PutProduct, InventoryEndpoints.PutProduct)
            .WithSummary("Creates a product (201) or changes its name and price (200).")
            .Accepts<ProductDetails>("application/json")
            .Produces<ProductView>(StatusCodes.Status200OK)
            .Produces<ProductView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithTags(Name);
        routes.MapApi(Routes.AdjustStock, InventoryEndpoints.AdjustStock)
            .WithSummary("Adds stock, or removes it with a negative quantity; never below what is reserved (409).")
            .Accepts<StockAdjustment>("application/json")
            .Produces<ProductView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithTags(Name);
        routes.MapApi(Routes.ListProducts, InventoryEndpoints.ListProducts)
            .WithSummary("The products with their stock, a page at a time: ?pageSize= (1–200, default 50) and ?continuation= (the previous page's, opaque).")
            .WithDescription("Read from the products themselves (consistent). In store order: by sku in the local host, Cosmos DB's own order in Azure. "
                + "continuation is null on the last page; one that is not a continuation this listing handed out is a 400 naming it.")
            .Paged()
            .Produces<Page<ProductView>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .WithTags(Name);
        routes.MapApi(Routes.GetProduct, InventoryEndpoints.GetProduct)
            .WithSummary("A product with its stock on hand, reserved and available.")
            .Produces<ProductView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithTags(Name);
        routes.MapApi(Routes.GetAvailability, InventoryEndpoints.GetAvailability)
            .WithSummary("Available stock per sku from the availability read model.")
            .WithDescription("Eventually consistent: fed by StockLevelChanged events, so it can lag the products by moments; asOf says when each figure was true. Unknown skus are left out.")
            .Produces<List<AvailabilityView>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .RequiresQuery("skus")
            .WithTags(Name);
        return routes;
    }
}
