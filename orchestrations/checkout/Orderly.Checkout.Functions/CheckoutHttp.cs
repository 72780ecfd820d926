using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Checkout.Http;
using Orderly.Functions.Http;
using Orderly.Orchestrations;
using Orderly.Orchestrations.Durable;
using Orderly.Hosting;

namespace Orderly.Checkout.Functions;

/// <summary>The checkout's HTTP API (the host adds the <c>api/</c> prefix): the core's endpoint over the Durable status.</summary>
public sealed class CheckoutHttp(ISagaStatusReader statusReader, HealthCheckService health)
{
    /// <summary><c>GET api/checkout/{orderId}</c>: the saga's custom status, read over this invocation's Durable client.</summary>
    [Function(nameof(CheckoutModule.Routes.GetCheckout))]
    public Task<IActionResult> GetCheckout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "checkout/{orderId}")] HttpRequest req, string orderId,
        [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        DurableClientScope.RunAsync(durable, () => CheckoutEndpoints.GetCheckout(orderId, req.HttpContext.User, statusReader, ct).AsActionResult());

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
