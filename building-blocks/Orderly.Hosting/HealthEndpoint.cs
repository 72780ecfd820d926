using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Hosting.Access;

namespace Orderly.Hosting;

/// <summary>Serves the health checks as JSON: the overall status and each dependency's state, description and figures.</summary>
public static class HealthEndpoint
{
    /// <summary>The route every Orderly app answers health on.</summary>
    public const string Route = "/api/health";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>Anyone may ask whether the app lives; only an operator sees each dependency (paths, host names, errors).</summary>
    public static readonly ApiRoute Health = new("Health", "GET", Route, RoutePolicy.Anyone);

    /// <summary>Maps <c>GET /api/health</c>: 200 when healthy or degraded, 503 when unhealthy.</summary>
    public static IEndpointConventionBuilder MapOrderlyHealth(this IEndpointRouteBuilder routes, string pattern = Route) =>
        routes.MapHealthChecks(pattern, new HealthCheckOptions
        {
            ResponseWriter = WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).WithName(Health.Name).WithTags("health").RequirePolicy(Health.Policy);

    /// <summary>
    /// Writes <c>{ status }</c> for anyone, and for an operator <c>{ status, totalDurationMs, checks: { name: { status,
    /// description, durationMs, data } } }</c>.
    /// </summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        if (!context.User.IsOperator())
            return JsonSerializer.SerializeAsync(context.Response.Body, new { status = report.Status.ToString() }, Json, context.RequestAborted);
        var body = new
        {
            status = report.Status.ToString(),
            totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }
}
