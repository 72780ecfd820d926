using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Orderly.Hosting.Http;

namespace Orderly.Hosting.Access;

/// <summary>
/// The door of every route, run before its endpoint (and so before any validation): the token (401), the roles (403), the
/// body size (413), a repeated or undecodable query parameter (400) and the subject's rate limit (429), each refusal problem+json. The local host runs it as ASP.NET Core
/// middleware, a Function App as worker middleware; both call <see cref="AdmitAsync"/>.
/// </summary>
public sealed partial class AccessGate(BearerTokens tokens, SubjectRateLimits rateLimits, ILogger<AccessGate> logger)
{
    /// <summary>
    /// Admits the call (setting <see cref="HttpContext.User"/> to the caller and noting the route's policy for the body reader)
    /// or returns the refusal to send instead.
    /// </summary>
    public async Task<IResult?> AdmitAsync(HttpContext context, RoutePolicy policy)
    {
        context.Features.Set(policy);
        var check = await tokens.CheckAsync(context.Request.Headers.Authorization.ToString()).ConfigureAwait(false);
        if (check.Refusal is { } refusal)
        {
            LogRefused(logger, context.Request.Path, refusal);
            return Unauthorized(refusal, invalidToken: true);
        }
        if (check.Caller is { } caller) context.User = caller;
        else if (!policy.AllowsAnonymous) return Unauthorized("This route needs a bearer token.", invalidToken: false);

        if (!policy.AllowsAnonymous && !policy.AllowedRoles.Any(context.User.IsInRole))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This route is for the role(s) {policy}; the token carries {RolesOf(context)}.");

        if (context.Request.ContentLength > policy.MaxBodyBytes) return BodyTooLarge(policy);
        // For a body without a length (chunked), the server stops reading at the limit too.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = policy.MaxBodyBytes;

        if (QueryValue.WholeQueryProblem(context.Request) is { } badQuery) return badQuery.ToProblem();

        if (policy.RateLimit is { } limit && context.User.SubjectOf() is { } subject
            && rateLimits.TryAcquire(limit, subject) is { } retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            return new WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture), TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: $"Too many calls of this kind for '{subject}'; try again in {seconds} s."));
        }
        return null;
    }

    /// <summary>413 problem+json naming the limit; the body reader answers the same when a body without a length runs over.</summary>
    public static ProblemHttpResult BodyTooLarge(RoutePolicy policy) => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large", detail: $"This route takes at most {policy.MaxBodyBytes} bytes.");

    private static IResult Unauthorized(string detail, bool invalidToken)
    {
        // RFC 6750 §3: the challenge names the scheme, and the error when a token was sent and refused.
        var challenge = invalidToken ? $"Bearer error=\"invalid_token\", error_description=\"{detail.Replace("\"", "'", StringComparison.Ordinal)}\"" : "Bearer";
        return new WithHeader("WWW-Authenticate", challenge,
            TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail));
    }

    private static string RolesOf(HttpContext context)
    {
        var roles = Roles.All.Where(context.User.IsInRole).ToList();
        return roles.Count == 0 ? "none of them" : string.Join(", ", roles);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a token on {Path}: {Refusal}")]
    private static partial void LogRefused(ILogger logger, PathString path, string refusal);

    /// <summary>A result with one response header set before it runs.</summary>
    private sealed class WithHeader(string name, string value, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
