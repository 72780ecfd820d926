using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Orderly.Hosting.Access;

/// <summary>
/// What the <see cref="AccessGate"/> and the body reader may answer instead of a route's endpoint, added to the route's
/// response metadata (so to its OpenAPI operation) once, from the last policy declared on it.
/// </summary>
internal static class GateAnswers
{
    private const string Problem = "application/problem+json";

    public static void Document(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.OfType<Documented>().Any()) return;
        endpoint.Metadata.Add(new Documented());
        if (endpoint.Metadata.OfType<RoutePolicy>().LastOrDefault() is not { } policy) return;

        // Any route: a query parameter given twice or not UTF-8 (400 naming it); a token that is sent is checked even on an
        // open route (401).
        Add(endpoint, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
        Add(endpoint, StatusCodes.Status401Unauthorized);
        if (!policy.AllowsAnonymous) Add(endpoint, StatusCodes.Status403Forbidden);
        var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods ?? [];
        if (methods.Any(m => m is "POST" or "PUT" or "PATCH"))
        {
            Add(endpoint, StatusCodes.Status413PayloadTooLarge);
            Add(endpoint, StatusCodes.Status415UnsupportedMediaType);
        }
        if (policy.RateLimit is not null) Add(endpoint, StatusCodes.Status429TooManyRequests);
        // Every route reads or writes the store: while it is unavailable the answer is 503 with Retry-After (StoreUnavailableAnswer).
        Add(endpoint, StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Adds the answer unless the route documents that status itself (with a more precise body).</summary>
    private static void Add(EndpointBuilder endpoint, int status, Type? body = null)
    {
        if (endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(p => p.StatusCode == status)) return;
        endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, body ?? typeof(ProblemDetails), [Problem]));
    }

    /// <summary>Marks a route whose gate answers are documented (a group and its route may both declare a policy).</summary>
    private sealed class Documented;
}
