using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Functions.Shell;
using Orderly.Hosting;
using Orderly.Shipping.Http;

namespace Orderly.Shipping.Functions;

/// <summary>The shipping read API (routes of ORDERLY.md; the host adds the <c>api/</c> prefix), each a call into the core.</summary>
public sealed class ShippingHttp(HealthCheckService health)
{
    [Function("GetShipments")]
    public Task<IActionResult> GetShipments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "shipments")] HttpRequest req, CancellationToken ct) =>
        ShippingEndpoints.GetShipments(req, req.Query["orderId"], ct).AsActionResult();

    [Function("Health")]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
