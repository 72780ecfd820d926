using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Functions.Http;
using Orderly.Hosting;
using Orderly.Hosting.DeadLetters;
using Orderly.Messaging;

namespace Orderly.Operations.Functions;

/// <summary>
/// The operations HTTP surface, each a call into the shared endpoints. The host serves from the root (host.json routePrefix ""),
/// so every route is the whole path, the same as the local host's.
/// </summary>
public sealed class OperationsHttp(IDeadLetterQueue deadLetters, TimeProvider time, ConsoleConfig console, HealthCheckService health, AppReads reads,
    IEnumerable<ServiceBusMetrics> metrics)
{
    [Function(nameof(OperationsModule.Routes.ConsolePage))]
    public IActionResult ConsolePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "")] HttpRequest req) =>
        ConsoleEndpoints.File(null).AsActionResult();

    [Function(nameof(OperationsModule.Routes.ConsoleConfig))]
    public IActionResult ConsoleConfig([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/config.json")] HttpRequest req) =>
        ConsoleEndpoints.Config(console).AsActionResult();

    [Function(nameof(OperationsModule.Routes.ConsoleFile))]
    public IActionResult ConsoleFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{*path}")] HttpRequest req, string? path) =>
        ConsoleEndpoints.File(path).AsActionResult();

    [Function(nameof(OperationsModule.Routes.ListDeadLetters))]
    public Task<IActionResult> ListDeadLetters([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/dead-letters")] HttpRequest req,
        CancellationToken ct) =>
        DeadLetterEndpoints.List(deadLetters, time, req.Query["entity"], req.Query["status"], req.Query["reason"],
            req.Query["minAgeSeconds"], req.Query["maxAgeSeconds"], ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.ResubmitDeadLetters))]
    public Task<IActionResult> ResubmitDeadLetters([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/dead-letters/resubmit")] HttpRequest req,
        CancellationToken ct) =>
        DeadLetterEndpoints.ResubmitMatching(req, deadLetters, time, req.HttpContext.User, ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.ShowDeadLetter))]
    public Task<IActionResult> ShowDeadLetter([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/dead-letters/{id}")] HttpRequest req,
        string id, CancellationToken ct) =>
        DeadLetterEndpoints.Show(deadLetters, id, ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.ResubmitDeadLetter))]
    public Task<IActionResult> ResubmitDeadLetter([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/dead-letters/{id}/resubmit")] HttpRequest req,
        string id, CancellationToken ct) =>
        DeadLetterEndpoints.Resubmit(req, deadLetters, req.HttpContext.User, id, req.Query["note"], ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.IgnoreDeadLetter))]
    public Task<IActionResult> IgnoreDeadLetter([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/dead-letters/{id}/ignore")] HttpRequest req,
        string id, CancellationToken ct) =>
        DeadLetterEndpoints.Ignore(req, deadLetters, req.HttpContext.User, id, ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.QueueDepths))]
    public Task<IActionResult> QueueDepths([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/queue-depths")] HttpRequest req,
        CancellationToken ct) =>
        QueueDepthEndpoints.Read(metrics.SingleOrDefault(), ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.SearchOrders))]
    public Task<IActionResult> SearchOrders([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/orders")] HttpRequest req, CancellationToken ct) =>
        reads.ForwardAsync(req, "orders", ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.GetOrder))]
    public Task<IActionResult> GetOrder([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/orders/{orderId}")] HttpRequest req,
        string orderId, CancellationToken ct) =>
        reads.ForwardAsync(req, "orders", ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.GetCustomerOrders))]
    public Task<IActionResult> GetCustomerOrders([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/customers/{customerId}/orders")] HttpRequest req,
        string customerId, CancellationToken ct) =>
        reads.ForwardAsync(req, "orders", ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.GetCheckout))]
    public Task<IActionResult> GetCheckout([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/checkout/{orderId}")] HttpRequest req,
        string orderId, CancellationToken ct) =>
        reads.ForwardAsync(req, "checkout", ct).AsActionResult();

    [Function(nameof(OperationsModule.Routes.ContextHealth))]
    public Task<IActionResult> ContextHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health/{context}")] HttpRequest req,
        string context, CancellationToken ct) =>
        reads.HealthAsync(req, context, ct).AsActionResult();

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
