using System.Buffers.Text;
using System.Text.Json;

namespace Orderly.EndToEnd.Support;

/// <summary>
/// Tokens for a shop the suite did not start, whose tokens the local dev issuer cannot make (in Azure they come from Entra ID):
/// <c>ORDERLY_TOKEN_OPERATOR</c>, <c>ORDERLY_TOKEN_SHOP_ADMIN</c>, <c>ORDERLY_TOKEN_CUSTOMER</c>, one per role
/// (docs/azure-shell.md says which checks need which). A customer token is for one customer, its subject.
/// </summary>
public static class EnvironmentTokens
{
    /// <summary>The variable that holds a token for <paramref name="role"/>: <c>shop-admin</c> → <c>ORDERLY_TOKEN_SHOP_ADMIN</c>.</summary>
    public static string VariableFor(string role) => "ORDERLY_TOKEN_" + role.ToUpperInvariant().Replace('-', '_');

    /// <summary>The token set for <paramref name="role"/>, or null.</summary>
    public static string? For(string role) =>
        Environment.GetEnvironmentVariable(VariableFor(role)) is { Length: > 0 } token ? token.Trim() : null;

    /// <summary>The customer the suite orders as against an external shop with <c>ORDERLY_TOKEN_CUSTOMER</c> set (its subject), else null.</summary>
    public static string? Customer => ShopHost.IsExternal && For("customer") is { } token ? SubjectOf(token) : null;

    /// <summary>
    /// The subject a shop reads from a JWT (read, not validated: the shop validates it): <c>oid</c> when the token has one, as
    /// in Azure (<c>Auth__SubjectClaim=oid</c>, Entra ID), else <c>sub</c>.
    /// </summary>
    public static string SubjectOf(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3) throw new FormatException("not a JWT (three dot-separated parts)");
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        foreach (var claim in new[] { "oid", "sub" })
            if (payload.RootElement.TryGetProperty(claim, out var value) && value.GetString() is { Length: > 0 } subject) return subject;
        throw new FormatException("the JWT has neither an 'oid' nor a 'sub' claim");
    }
}
