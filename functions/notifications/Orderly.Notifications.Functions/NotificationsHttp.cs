using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Functions.Http;
using Orderly.Hosting;
using Orderly.Notifications.Http;
using Orderly.Storage;

namespace Orderly.Notifications.Functions;

/// <summary>The notifications read API (routes of ORDERLY.md; the host adds the <c>api/</c> prefix), each a call into the core.</summary>
public sealed class NotificationsHttp([FromKeyedServices(NotificationsModule.Name)] IDocumentStore store, HealthCheckService health)
{
    [Function(nameof(NotificationsModule.Routes.GetNotifications))]
    public Task<IActionResult> GetNotifications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notifications")] HttpRequest req, CancellationToken ct) =>
        NotificationsEndpoints.GetNotifications(req.Query["customerId"], req.HttpContext.User, store, ct).AsActionResult();

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
