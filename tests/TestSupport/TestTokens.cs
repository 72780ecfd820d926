using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orderly.Hosting.Access;

namespace Orderly.TestSupport;

/// <summary>
/// A token issuer for tests that host a context's API alone: its own RSA key, tokens for any subject and roles (and any
/// times, to test refusals), and the <see cref="BearerTokens"/> validator that trusts it.
/// </summary>
public sealed class TestTokens
{
    public const string Issuer = "orderly-tests";
    public const string Audience = "api://orderly-tests";

    private readonly JsonWebTokenHandler _handler = new();

    public TestTokens()
    {
        Key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };
    }

    public RsaSecurityKey Key { get; }

    /// <summary>The validator the gate under test uses: this issuer, this audience, this key.</summary>
    public BearerTokens Validator() => BearerTokens.Trusting(Issuer, Audience, Key);

    /// <summary>A token; every part can be changed to make a token that must be refused.</summary>
    public string Issue(string subject, string[] roles, DateTimeOffset? expires = null, DateTimeOffset? notBefore = null,
        string issuer = Issuer, string audience = Audience, SecurityKey? key = null)
    {
        var now = DateTimeOffset.UtcNow;
        var nbf = notBefore ?? now.AddMinutes(-1);
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = nbf.UtcDateTime,
            NotBefore = nbf.UtcDateTime,
            Expires = (expires ?? now.AddHours(1)).UtcDateTime,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = new Dictionary<string, object> { ["roles"] = roles },
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A client that sends <paramref name="subject"/>'s token with <paramref name="roles"/> on every request.</summary>
    public HttpClient As(HttpClient client, string subject, params string[] roles)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Issue(subject, roles));
        return client;
    }
}
