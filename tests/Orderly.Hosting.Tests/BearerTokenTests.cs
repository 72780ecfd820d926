using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Orderly.Hosting.Access;

namespace Orderly.Hosting.Tests;

/// <summary>What a bearer token must be to be let in: signed by the trusted key with RS256, for this issuer and audience, in its lifetime.</summary>
public sealed class BearerTokenTests
{
    private readonly TestTokens _tokens = new();
    private readonly BearerTokens _validator;

    public BearerTokenTests() => _validator = _tokens.Validator();

    private Task<TokenCheck> CheckAsync(string token) => _validator.CheckAsync("Bearer " + token);

    [Fact]
    public async Task A_valid_token_names_the_caller_and_carries_its_roles()
    {
        var check = await CheckAsync(_tokens.Issue("ada", [Roles.Customer, Roles.Operator]));
        Assert.Null(check.Refusal);
        Assert.Equal("ada", check.Caller!.SubjectOf());
        Assert.True(check.Caller!.IsInRole(Roles.Customer));
        Assert.True(check.Caller.IsOperator());
        Assert.False(check.Caller.IsInRole(Roles.ShopAdmin));
    }

    [Fact]
    public async Task No_header_is_no_token_and_not_a_refusal() => Assert.True((await _validator.CheckAsync(null)).IsAbsent);

    public static TheoryData<string, string> Refused() => new()
    {
        { "expired", "expired" },
        { "not-yet-valid", "not valid yet" },
        { "wrong-issuer", "issuer" },
        { "wrong-audience", "audience" },
        { "wrong-key", "signature" },
        { "alg-none", "" },
        { "tampered", "signature" },
        { "garbage", "" },
        { "hs256-with-the-public-key", "" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_bad_token_is_refused_with_a_reason(string kind, string reasonContains)
    {
        var now = DateTimeOffset.UtcNow;
        var token = kind switch
        {
            "expired" => _tokens.Issue("ada", [Roles.Customer], expires: now.AddMinutes(-5), notBefore: now.AddHours(-1)),
            "not-yet-valid" => _tokens.Issue("ada", [Roles.Customer], notBefore: now.AddMinutes(10), expires: now.AddHours(1)),
            "wrong-issuer" => _tokens.Issue("ada", [Roles.Customer], issuer: "https://evil.example"),
            "wrong-audience" => _tokens.Issue("ada", [Roles.Customer], audience: "api://someone-else"),
            "wrong-key" => _tokens.Issue("ada", [Roles.Customer], key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = _tokens.Key.KeyId }),
            "alg-none" => Unsigned("""{"sub":"ada","roles":["operator"],"iss":"orderly-tests","aud":"api://orderly-tests","exp":4102444800}"""),
            "tampered" => Tamper(_tokens.Issue("ada", [Roles.Customer])),
            "hs256-with-the-public-key" => SignedWithPublicKeyAsHmac(),
            _ => "not.a.jwt",
        };
        var check = await CheckAsync(token);
        Assert.Null(check.Caller);
        Assert.NotNull(check.Refusal);
        Assert.Contains(reasonContains, check.Refusal, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Basic YWRhOnNlY3JldA==")]
    [InlineData("Bearer ")]
    [InlineData("Bearer")]
    public async Task A_header_that_is_not_bearer_is_refused(string header) => Assert.NotNull((await _validator.CheckAsync(header)).Refusal);

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private static string Unsigned(string payload) => $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64(payload)}.";

    /// <summary>The payload of a valid token rewritten to claim the operator role, the signature kept.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"customer\"", "\"operator\"", StringComparison.Ordinal);
        return $"{parts[0]}.{B64(payload)}.{parts[2]}";
    }

    /// <summary>The classic key-confusion attack: HS256 keyed with the RSA public key's bytes.</summary>
    private string SignedWithPublicKeyAsHmac()
    {
        var publicKey = _tokens.Key.Rsa.ExportSubjectPublicKeyInfo();
        var header = B64("""{"alg":"HS256","typ":"JWT"}""");
        var payload = B64("""{"sub":"ada","roles":["operator"],"iss":"orderly-tests","aud":"api://orderly-tests","exp":4102444800}""");
        var signature = HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
    }
}
