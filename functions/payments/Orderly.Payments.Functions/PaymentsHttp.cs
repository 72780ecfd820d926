using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Functions.Http;
using Orderly.Hosting;
using Orderly.Payments.Http;
using Orderly.Storage;

namespace Orderly.Payments.Functions;

/// <summary>The payments read API (routes of ORDERLY.md; the host adds the <c>api/</c> prefix), each a call into the core.</summary>
public sealed class PaymentsHttp([FromKeyedServices(PaymentsModule.Name)] IDocumentStore store, HealthCheckService health)
{
    [Function(nameof(PaymentsModule.Routes.GetPayments))]
    public Task<IActionResult> GetPayments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "payments")] HttpRequest req, CancellationToken ct) =>
        PaymentsEndpoints.GetPayments(req.Query["orderId"], store, ct).AsActionResult();

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
