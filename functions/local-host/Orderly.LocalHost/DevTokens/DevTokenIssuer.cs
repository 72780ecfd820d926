using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orderly.Hosting.Access;

namespace Orderly.LocalHost.DevTokens;

/// <summary>
/// The local host's own token issuer (embedded mode only): an RSA key made on first start and kept in the data folder
/// (never in the repository), tokens signed with it, and the OpenID metadata a validator reads its keys from.
/// </summary>
public sealed class DevTokenIssuer
{
    /// <summary>The <c>iss</c> of every dev token.</summary>
    public const string Issuer = "orderly-local-host";

    /// <summary>The <c>aud</c> of every dev token, and what the local host accepts.</summary>
    public const string Audience = "api://orderly";

    /// <summary>The file in the data folder that holds the private key.</summary>
    public const string KeyFile = "dev-token-signing-key.pem";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _signing;

    private DevTokenIssuer(RsaSecurityKey key)
    {
        Key = key;
        _signing = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
        PublicKey = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = key.KeyId });
        PublicKey.Use = "sig";
        PublicKey.Alg = SecurityAlgorithms.RsaSha256;
    }

    /// <summary>The signing key (private).</summary>
    public RsaSecurityKey Key { get; }

    /// <summary>The key as JWKS publishes it: public parts only.</summary>
    public JsonWebKey PublicKey { get; }

    /// <summary>Loads the key from <paramref name="dataPath"/>, or makes it there (readable by its owner only) on first start.</summary>
    public static DevTokenIssuer OpenOrCreate(string dataPath)
    {
        var path = Path.Combine(dataPath, KeyFile);
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            var pem = rsa.ExportPkcs8PrivateKeyPem();
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(file))
                writer.Write(pem);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return new DevTokenIssuer(key);
    }

    /// <summary>A signed access token for <paramref name="subject"/> with <paramref name="roles"/>, valid for <see cref="Lifetime"/>.</summary>
    public string Issue(string subject, IReadOnlyList<string> roles, DateTimeOffset now) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        IssuedAt = now.UtcDateTime,
        NotBefore = now.UtcDateTime,
        Expires = now.Add(Lifetime).UtcDateTime,
        Subject = new ClaimsIdentity([new Claim("sub", subject)]),
        Claims = new Dictionary<string, object> { ["roles"] = roles.ToArray() },
        SigningCredentials = _signing,
    });

    /// <summary>The validator that trusts this issuer: the same <see cref="BearerTokens"/> a Function App uses, with the key given.</summary>
    public BearerTokens Validator() => BearerTokens.Trusting(Issuer, Audience, PublicKey);
}
