using System.Buffers.Text;
using System.Text;

namespace Orderly.EndToEnd.Tests;

/// <summary>How the suite finds its tokens for a shop in Azure (no shop needed).</summary>
public sealed class EnvironmentTokensTests
{
    private static string Jwt(string payload) =>
        $"{Base64Url.EncodeToString("""{"alg":"RS256"}"""u8)}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.c2ln";

    [Theory]
    [InlineData("operator", "ORDERLY_TOKEN_OPERATOR")]
    [InlineData("shop-admin", "ORDERLY_TOKEN_SHOP_ADMIN")]
    [InlineData("customer", "ORDERLY_TOKEN_CUSTOMER")]
    public void Each_role_reads_its_own_variable(string role, string variable) =>
        Assert.Equal(variable, EnvironmentTokens.VariableFor(role));

    [Fact]
    public void A_customer_token_says_which_customer_the_suite_orders_as()
    {
        Assert.Equal("ada", EnvironmentTokens.SubjectOf(Jwt("""{"sub":"ada","roles":["customer"]}""")));
        Assert.Equal("0f5c1e2a-oid", EnvironmentTokens.SubjectOf(Jwt("""{"sub":"pairwise-sub","oid":"0f5c1e2a-oid"}"""))); // Entra ID: the shop reads oid
        Assert.Throws<FormatException>(() => EnvironmentTokens.SubjectOf(Jwt("""{"roles":["customer"]}""")));
        Assert.Throws<FormatException>(() => EnvironmentTokens.SubjectOf("not-a-token"));
    }
}
