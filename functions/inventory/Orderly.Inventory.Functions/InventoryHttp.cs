using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Functions.Shell;
using Orderly.Hosting;
using Orderly.Inventory.Http;

namespace Orderly.Inventory.Functions;

/// <summary>The inventory admin API (routes of ORDERLY.md; the host adds the <c>api/</c> prefix), each a call into the core.</summary>
public sealed class InventoryHttp(HealthCheckService health)
{
    [Function("PutProduct")]
    public Task<IActionResult> PutProduct([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inventory/products/{sku}")] HttpRequest req, string sku, CancellationToken ct) =>
        InventoryEndpoints.PutProduct(req, sku, ct).AsActionResult();

    [Function("AdjustStock")]
    public Task<IActionResult> AdjustStock([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inventory/products/{sku}/stock")] HttpRequest req, string sku, CancellationToken ct) =>
        InventoryEndpoints.AdjustStock(req, sku, ct).AsActionResult();

    [Function("GetProduct")]
    public Task<IActionResult> GetProduct([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inventory/products/{sku}")] HttpRequest req, string sku, CancellationToken ct) =>
        InventoryEndpoints.GetProduct(req, sku, ct).AsActionResult();

    [Function("GetAvailability")]
    public Task<IActionResult> GetAvailability([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inventory/availability")] HttpRequest req, CancellationToken ct) =>
        InventoryEndpoints.GetAvailability(req, req.Query["skus"], ct).AsActionResult();

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
