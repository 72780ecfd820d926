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
    public static RouteHandlerBuilder MapApi(this IEndpointRouteBuilder routes, ApiRoute route, Delegate handler)
    {
        var builder = routes.MapMethods(route.Pattern, [route.Method], handler)
            .WithName(route.Name)
            .WithMetadata(route.Policy);
        // What the gate and the body reader may answer instead of the endpoint, documented once here for every route.
        if (!route.Policy.AllowsAnonymous)
            builder.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        if (route.Method is "POST" or "PUT" or "PATCH")
            builder.ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        if (route.Policy.RateLimit is not null) builder.ProducesProblem(StatusCodes.Status429TooManyRequests);
        return builder;
    }

    /// <summary>Declares the policy of a route mapped by other means (health checks, OpenAPI documents).</summary>
    public static TBuilder RequirePolicy<TBuilder>(this TBuilder builder, RoutePolicy policy) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(policy);
}
