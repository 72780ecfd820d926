using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Orderly.Hosting.Access;

/// <summary>What a bearer token turned out to be: absent, a caller, or refused with the reason a client may be told.</summary>
public readonly record struct TokenCheck(ClaimsPrincipal? Caller, string? Refusal)
{
    public static TokenCheck Absent => default;

    public bool IsAbsent => Caller is null && Refusal is null;
}

/// <summary>
/// Validates <c>Authorization: Bearer …</c> with Microsoft.IdentityModel: RS256 signature with a key from the issuer's OpenID
/// metadata (or the given keys), issuer, audience, and lifetime. The same code in the local host and every Function App.
/// </summary>
public sealed class BearerTokens
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    /// <summary>Trusts one issuer whose signing key is known here (the local dev issuer, tests), without fetching metadata.</summary>
    public static BearerTokens Trusting(string issuer, string audience, SecurityKey signingKey)
    {
        var metadata = new OpenIdConnectConfiguration { Issuer = issuer };
        metadata.SigningKeys.Add(signingKey);
        return new BearerTokens(new AccessOptions { Issuer = issuer, Audience = audience },
            new StaticConfigurationManager<OpenIdConnectConfiguration>(metadata));
    }

    /// <summary>Trusts <paramref name="options"/>' issuer, with signing keys from <paramref name="keys"/> or else its metadata address.</summary>
    public BearerTokens(AccessOptions options, BaseConfigurationManager? keys = null)
    {
        keys ??= new ConfigurationManager<OpenIdConnectConfiguration>(
            options.MetadataAddress ?? throw new ArgumentException("Give the signing keys or a metadata address.", nameof(options)),
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever { RequireHttps = options.RequireHttpsMetadata });
        _parameters = new TokenValidationParameters
        {
            ConfigurationManager = keys,
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = options.SubjectClaim,
            RoleClaimType = options.RolesClaim,
            AuthenticationType = "Bearer",
        };
    }

    /// <summary>Checks the value of an <c>Authorization</c> header (null or empty: no token).</summary>
    public async Task<TokenCheck> CheckAsync(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization)) return TokenCheck.Absent;
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == scheme.Length)
            return new(null, "The Authorization header must be 'Bearer <token>'.");
        var token = authorization[scheme.Length..].Trim();
        if (token.Length > 16 * 1024) return new(null, "The token is too long.");

        var result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        if (!result.IsValid) return new(null, Describe(result.Exception));
        if (string.IsNullOrEmpty(result.ClaimsIdentity.Name))
            return new(null, $"The token has no '{_parameters.NameClaimType}' claim naming the caller.");
        return new(new ClaimsPrincipal(result.ClaimsIdentity), null);
    }

    /// <summary>Why a token was refused, in words that help its holder and reveal nothing about the keys.</summary>
    private static string Describe(Exception? error) => error switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidIssuerException => "The token was issued by an issuer this API does not trust.",
        SecurityTokenInvalidAudienceException => "The token is for another audience.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidAlgorithmException => "The token is not signed with RS256.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
        SecurityTokenMalformedException or ArgumentException => "The token is not a well-formed JWT.",
        _ => "The token is not valid.",
    };
}
