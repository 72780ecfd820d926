using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orderly.Hosting.Access;

/// <summary>
/// One row of a context's route table: the name (= the Azure Function's name and the OpenAPI operation id), the method and
/// path (as the local host serves it; a Function App serves the same path), and its <see cref="RoutePolicy"/>.
/// </summary>
public sealed record ApiRoute(string Name, string Method, string Pattern, RoutePolicy Policy)
{
    /// <summary>The route template a Function's <c>HttpTrigger</c> declares: the pattern without the host's <c>/api/</c> prefix.</summary>
    public string FunctionRoute => Pattern.StartsWith("/api/", StringComparison.Ordinal) ? Pattern["/api/".Length..] : Pattern.TrimStart('/');
}

/// <summary>Maps route-table rows, so a route cannot be mapped without its policy.</summary>
public static class ApiRouteMapping
{
    /// <summary>Maps <paramref name="route"/> to <paramref name="handler"/>, named and carrying its policy for the access gate.</summary>
    public static RouteHandlerBuilder MapApi(this IEndpointRouteBuilder routes, ApiRoute route, Delegate handler) =>
        routes.MapMethods(route.Pattern, [route.Method], handler)
            .WithName(route.Name)
            .RequirePolicy(route.Policy);

    /// <summary>
    /// Declares the policy of a route (MapApi does it for its rows; health checks, OpenAPI documents and route groups call it
    /// themselves), and documents what the gate may answer instead of the endpoint, from the policy the route ends up with.
    /// </summary>
    public static TBuilder RequirePolicy<TBuilder>(this TBuilder builder, RoutePolicy policy) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(policy);
        builder.Finally(GateAnswers.Document);
        return builder;
    }
}
