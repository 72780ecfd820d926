using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Functions.Http;
using Orderly.Hosting;
using Orderly.Inventory.Http;

namespace Orderly.Inventory.Functions;

/// <summary>
/// The inventory API (the rows of <see cref="InventoryModule.Routes"/>; the host adds the <c>api/</c> prefix), each a call into
/// the core. A Function's name is its row's name; the caller is the principal the access gate admitted.
/// </summary>
public sealed class InventoryHttp(HealthCheckService health, InventoryServices services)
{
    [Function(nameof(InventoryModule.Routes.PutProduct))]
    public Task<IActionResult> PutProduct([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inventory/products/{sku}")] HttpRequest req, string sku, CancellationToken ct) =>
        InventoryEndpoints.PutProduct(req, sku, req.HttpContext.User, services, ct).AsActionResult();

    [Function(nameof(InventoryModule.Routes.AdjustStock))]
    public Task<IActionResult> AdjustStock([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inventory/products/{sku}/stock")] HttpRequest req, string sku, CancellationToken ct) =>
        InventoryEndpoints.AdjustStock(req, sku, req.HttpContext.User, services, ct).AsActionResult();

    [Function(nameof(InventoryModule.Routes.ListProducts))]
    public Task<IActionResult> ListProducts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inventory/products")] HttpRequest req, CancellationToken ct) =>
        InventoryEndpoints.ListProducts(req.Query["pageSize"], req.Query["continuation"], services, ct).AsActionResult();

    [Function(nameof(InventoryModule.Routes.GetProduct))]
    public Task<IActionResult> GetProduct([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inventory/products/{sku}")] HttpRequest req, string sku, CancellationToken ct) =>
        InventoryEndpoints.GetProduct(sku, services, ct).AsActionResult();

    [Function(nameof(InventoryModule.Routes.GetAvailability))]
    public Task<IActionResult> GetAvailability([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inventory/availability")] HttpRequest req, CancellationToken ct) =>
        InventoryEndpoints.GetAvailability(req.Query["skus"], services, ct).AsActionResult();

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
