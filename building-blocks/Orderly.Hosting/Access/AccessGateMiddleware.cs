using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orderly.Hosting.Access;

/// <summary>Runs the <see cref="AccessGate"/> for the endpoint routing chose, before the endpoint and its parameter binding.</summary>
internal sealed partial class AccessGateMiddleware(RequestDelegate next, AccessGate gate, ILogger<AccessGateMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // No route (404), or routing's own answer for a route that exists but not for this method or content type: a plain
        // Endpoint that writes 405/415 and nothing else, so it reveals nothing and runs no endpoint code.
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        if (endpoint.Metadata.GetMetadata<RoutePolicy>() is not { } policy)
        {
            // Fail closed: a route nobody declared a policy for is nobody's. RequireRoutePolicies makes this unreachable at start.
            LogUndeclared(logger, endpoint.DisplayName);
            await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This route declares no access policy.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        if (await gate.AdmitAsync(context, policy).ConfigureAwait(false) is { } refusal)
        {
            await refusal.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Route {Endpoint} declares no access policy; refused")]
    private static partial void LogUndeclared(ILogger logger, string? endpoint);
}

/// <summary>Wires the access gate into a host.</summary>
public static class AccessGateRegistration
{
    /// <summary>Registers the gate over <paramref name="tokens"/>, with the per-subject rate limits from configuration.</summary>
    public static IServiceCollection AddAccessGate(this IServiceCollection services, Func<IServiceProvider, BearerTokens> tokens)
    {
        services.AddSingleton(tokens);
        services.AddSingleton(sp => new SubjectRateLimits(
            sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(), SubjectRateLimits.Defaults));
        services.AddSingleton<AccessGate>();
        return services;
    }

    /// <summary>Routing, then the gate: every endpoint is admitted by its declared policy before it runs.</summary>
    public static WebApplication UseAccessGate(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<AccessGateMiddleware>();
        return app;
    }

    /// <summary>Stops the host at start when any mapped route lacks a <see cref="RoutePolicy"/>, naming each.</summary>
    public static void RequireRoutePolicies(this IEndpointRouteBuilder routes)
    {
        var undeclared = routes.DataSources.SelectMany(d => d.Endpoints)
            .Where(e => e.Metadata.GetMetadata<RoutePolicy>() is null)
            .Select(e => e.DisplayName)
            .ToList();
        if (undeclared.Count > 0)
            throw new InvalidOperationException($"Routes without an access policy: {string.Join("; ", undeclared)}. Declare one with MapApi or RequirePolicy.");
    }
}
