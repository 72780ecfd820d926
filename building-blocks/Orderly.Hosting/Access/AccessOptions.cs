using Microsoft.Extensions.Configuration;

namespace Orderly.Hosting.Access;

/// <summary>
/// Whose tokens an app trusts, from the <c>Auth</c> section (<c>Auth__Issuer</c>, <c>Auth__Audience</c>,
/// <c>Auth__MetadataAddress</c> in the environment). In Azure these name the Entra ID tenant and the API's app registration.
/// </summary>
public sealed record AccessOptions
{
    public const string Section = "Auth";

    /// <summary>The token's <c>iss</c>, exactly (Entra ID v2: <c>https://login.microsoftonline.com/{tenant}/v2.0</c>).</summary>
    public required string Issuer { get; init; }

    /// <summary>The token's <c>aud</c>: the API's application ID URI or client id.</summary>
    public required string Audience { get; init; }

    /// <summary>The OpenID configuration document the signing keys come from; null where the keys are given (the dev issuer).</summary>
    public string? MetadataAddress { get; init; }

    /// <summary>The claim that names the caller; a customer's id. Entra ID: <c>sub</c> (per app) or <c>oid</c> (per tenant).</summary>
    public string SubjectClaim { get; init; } = "sub";

    /// <summary>The claim that carries the roles (Entra ID app roles arrive in <c>roles</c>).</summary>
    public string RolesClaim { get; init; } = "roles";

    /// <summary>Off only for a metadata address on this machine (a local issuer over plain HTTP).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>Reads the <c>Auth</c> section; a missing issuer, audience or metadata address stops the app at start, naming the setting.</summary>
    public static AccessOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var metadata = Required(section, "MetadataAddress");
        if (!Uri.TryCreate(metadata, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback))
            throw new InvalidOperationException($"{Section}__MetadataAddress '{metadata}' must be an absolute https URL (http only on loopback).");
        return new AccessOptions
        {
            Issuer = Required(section, "Issuer"),
            Audience = Required(section, "Audience"),
            MetadataAddress = metadata,
            SubjectClaim = Optional(section, "SubjectClaim") ?? "sub",
            RolesClaim = Optional(section, "RolesClaim") ?? "roles",
            RequireHttpsMetadata = uri.Scheme == Uri.UriSchemeHttps,
        };
    }

    private static string Required(IConfigurationSection section, string key) =>
        Optional(section, key) ?? throw new InvalidOperationException(
            $"{Section}__{key} is not set: every Orderly app validates bearer tokens and needs {Section}__Issuer, {Section}__Audience and "
            + $"{Section}__MetadataAddress (docs/azure-shell.md, \"Identity\").");

    private static string? Optional(IConfigurationSection section, string key) =>
        string.IsNullOrWhiteSpace(section[key]) ? null : section[key]!.Trim();
}
