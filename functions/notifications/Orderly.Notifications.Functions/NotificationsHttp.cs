using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Functions.Shell;
using Orderly.Hosting;
using Orderly.Notifications.Http;

namespace Orderly.Notifications.Functions;

/// <summary>The notifications read API (routes of ORDERLY.md; the host adds the <c>api/</c> prefix), each a call into the core.</summary>
public sealed class NotificationsHttp(HealthCheckService health)
{
    [Function("GetNotifications")]
    public Task<IActionResult> GetNotifications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notifications")] HttpRequest req, CancellationToken ct) =>
        NotificationsEndpoints.GetNotifications(req, req.Query["customerId"], ct).AsActionResult();

    [Function("Health")]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
