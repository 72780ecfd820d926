using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// Every operation of the OpenAPI documents, three ways: without a token (401), with a token of each role it does not name
/// (403), and with each role it names (admitted: its own answer, never 401 or 403).
/// </summary>
public sealed class RouteAccessTests(ITestOutputHelper output) : ShopTest
{
    [Fact]
    public async Task Every_operation_declares_who_may_call_it_in_known_roles()
    {
        var operations = await OpenApiOperations.ReadAsync(Shop.Http);
        Assert.True(operations.Count >= 16, $"only {operations.Count} operations in the documents");
        Assert.All(operations, op =>
        {
            Assert.False(string.IsNullOrEmpty(op.Access), $"{op} has no x-orderly-access");
            if (!op.IsAnonymous) Assert.All(op.Roles, r => Assert.Contains(r, OpenApiOperations.AllRoles));
        });
    }

    [Fact]
    public async Task Every_route_answers_401_without_a_token_403_to_a_wrong_role_and_admits_each_right_role()
    {
        var operations = await OpenApiOperations.ReadAsync(Shop.Http);
        var (calls, failures) = await RouteAccessMatrix.CheckAsync(Shop, operations);
        output.WriteLine($"{operations.Count} operations, {calls} calls, {failures.Count} wrong");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Fault_injection_is_not_served_unless_a_setting_turns_it_on()
    {
        // The shared shop runs without LocalHost__FaultInjection: the route does not exist, even for an operator.
        using var response = await (await Shop.OperatorAsync()).PostAsync("api/admin/faults",
            new StringContent("""{"fault":"store","seconds":1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(await OpenApiOperations.ReadAsync(Shop.Http), op => op.Path == "/api/admin/faults");
    }
}
