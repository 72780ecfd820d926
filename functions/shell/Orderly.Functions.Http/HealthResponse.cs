using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Hosting;

namespace Orderly.Functions.Http;

/// <summary><c>GET /api/health</c> for a Function App: the same JSON as the embedded host (HealthEndpoint), 503 when unhealthy.</summary>
public static class HealthResponse
{
    public static async Task<IActionResult> CheckAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        return new HealthResult(report);
    }

    private sealed class HealthResult(HealthReport report) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.StatusCode = report.Status == HealthStatus.Unhealthy
                ? StatusCodes.Status503ServiceUnavailable
                : StatusCodes.Status200OK;
            return HealthEndpoint.WriteAsync(context.HttpContext, report);
        }
    }
}
