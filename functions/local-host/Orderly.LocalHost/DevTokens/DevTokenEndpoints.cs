using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;

namespace Orderly.LocalHost.DevTokens;

/// <summary>What <c>POST /api/dev/token</c> answers; tests outside the project rely on exactly this shape.</summary>
public sealed record DevToken(string AccessToken, string TokenType, int ExpiresIn);

/// <summary>The dev issuer's routes: a token for any subject and roles, and the OpenID metadata and keys a validator reads.</summary>
public static class DevTokenEndpoints
{
    public static readonly ApiRoute IssueToken = new("IssueDevToken", "POST", "/api/dev/token", RoutePolicy.Anyone.WithBody(1024));
    public static readonly ApiRoute OpenIdConfiguration = new("DevOpenIdConfiguration", "GET", "/.well-known/openid-configuration", RoutePolicy.Anyone);
    public static readonly ApiRoute Keys = new("DevSigningKeys", "GET", "/.well-known/jwks.json", RoutePolicy.Anyone);

    private const int MaxSubjectLength = 64;

    /// <summary>Maps the metadata always, and the token route only when <paramref name="issueTokens"/> (loopback, or asked for).</summary>
    public static IEndpointRouteBuilder MapDevTokens(this IEndpointRouteBuilder routes, bool issueTokens)
    {
        if (issueTokens)
        {
            routes.MapApi(IssueToken, Issue).WithTags("dev")
                .WithSummary("A dev token: { subject, roles } → { accessToken, tokenType, expiresIn }. Embedded mode on loopback only.")
                .Accepts<DevTokenRequest>("application/json")
                .Produces<DevToken>().ProducesValidationProblem();
        }
        routes.MapApi(OpenIdConfiguration, Metadata).WithTags("dev").WithSummary("OpenID configuration of the dev issuer.");
        routes.MapApi(Keys, Jwks).WithTags("dev").WithSummary("The dev issuer's public signing key (JWKS).");
        return routes;
    }

    /// <summary><c>POST /api/dev/token</c>.</summary>
    public static async Task<Results<Ok<DevToken>, ValidationProblem, ProblemHttpResult>> Issue(
        HttpRequest request, DevTokenIssuer issuer, TimeProvider time, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body.Refusal is { } refusal) return refusal;
        var fields = body.Fields;
        var subject = fields.Text(body.Root, "subject", MaxSubjectLength);
        var roles = fields.Codes(body.Root, "roles", Roles.All.Count, r => Roles.All.Contains(r),
            $"Each role is one of: {string.Join(", ", Roles.All)}.");
        if (fields.Errors.Any || subject is null || roles is null) return fields.Errors.ToProblem("The token request is not valid.");
        var token = issuer.Issue(subject, roles.Distinct().ToList(), time.GetUtcNow());
        return TypedResults.Ok(new DevToken(token, "Bearer", (int)DevTokenIssuer.Lifetime.TotalSeconds));
    }

    private static JsonObject Metadata(HttpRequest request)
    {
        var baseUrl = $"{request.Scheme}://{request.Host}";
        return new JsonObject
        {
            ["issuer"] = DevTokenIssuer.Issuer,
            ["jwks_uri"] = baseUrl + Keys.Pattern,
            ["token_endpoint"] = baseUrl + IssueToken.Pattern,
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["subject_types_supported"] = new JsonArray("public"),
            ["response_types_supported"] = new JsonArray("token"),
        };
    }

    private static JsonObject Jwks(DevTokenIssuer issuer)
    {
        var key = issuer.PublicKey;
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = key.Kty, ["use"] = key.Use, ["alg"] = key.Alg, ["kid"] = key.Kid, ["n"] = key.N, ["e"] = key.E,
            }),
        };
    }
}

/// <summary>Body of <c>POST /api/dev/token</c> (documentation only: the endpoint reads the JSON itself).</summary>
public sealed record DevTokenRequest(string Subject, IReadOnlyList<string> Roles);
