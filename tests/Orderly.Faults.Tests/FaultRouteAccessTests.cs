using System.Net;
using System.Text;

namespace Orderly.Faults.Tests;

/// <summary>
/// The fault-injection route, on a host that serves it: in the admin OpenAPI document as operator-only, 401 without a token,
/// 403 to a customer or shop admin, and an operator's bad request refused naming the field (the shared route matrix).
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class FaultRouteAccessTests
{
    [Fact]
    public async Task The_fault_route_answers_401_without_a_token_403_to_other_roles_and_admits_only_an_operator()
    {
        await using var shop = await FaultShop.StartAsync();
        var admin = (await OpenApiOperations.ReadAsync(shop.Api.Http)).Where(op => op.Document == "admin").ToList();
        var faults = Assert.Single(admin, op => op.Path == "/api/admin/faults");
        Assert.Equal("operator", faults.Access);

        var (calls, failures) = await RouteAccessMatrix.CheckAsync(shop.Api, admin);
        Assert.True(calls >= 5, $"{calls} calls");
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        using var bad = await (await shop.Api.OperatorAsync()).PostAsync("api/admin/faults",
            new StringContent("""{"fault":"the-moon","seconds":5}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("fault must be one of", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
