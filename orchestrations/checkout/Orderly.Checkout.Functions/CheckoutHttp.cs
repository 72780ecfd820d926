using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Checkout.Http;
using Orderly.Functions.Http;
using Orderly.Orchestrations;
using Orderly.Hosting;

namespace Orderly.Checkout.Functions;

/// <summary>The checkout's HTTP API (the host adds the <c>api/</c> prefix): the core's endpoint over the Durable status.</summary>
public sealed class CheckoutHttp(ISagaStatusReader statusReader, HealthCheckService health)
{
    /// <summary><c>GET api/checkout/{orderId}</c>: the saga's custom status, read with <c>GetInstanceAsync(..., getInputsAndOutputs: true)</c>.</summary>
    [Function(nameof(CheckoutModule.Routes.GetCheckout))]
    public async Task<IActionResult> GetCheckout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "checkout/{orderId}")] HttpRequest req, string orderId,
        [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        using (DurableSagaClient.Use(durable))
            return await CheckoutEndpoints.GetCheckout(orderId, req.HttpContext.User, statusReader, ct).AsActionResult();
    }

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
