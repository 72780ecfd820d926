using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Functions.Http;
using Orderly.Hosting;
using Orderly.Shipping.Http;
using Orderly.Storage;

namespace Orderly.Shipping.Functions;

/// <summary>The shipping read API (routes of ORDERLY.md; the host adds the <c>api/</c> prefix), each a call into the core.</summary>
public sealed class ShippingHttp([FromKeyedServices(ShippingModule.Name)] IDocumentStore store, HealthCheckService health)
{
    [Function(nameof(ShippingModule.Routes.GetShipments))]
    public Task<IActionResult> GetShipments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "shipments")] HttpRequest req, CancellationToken ct) =>
        ShippingEndpoints.GetShipments(req.Query["orderId"], store, ct).AsActionResult();

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
