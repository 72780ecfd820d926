using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orderly.EndToEnd.Tests;

/// <summary>What every Orderly app promises whatever the route: health, correlation ids, problem details.</summary>
public sealed class HostingTests : ShopTest
{
    [Fact]
    public async Task Health_reports_each_dependency()
    {
        var health = await Shop.GetJsonAsync("api/health");

        Assert.Equal("Healthy", health.Str("status"));
        var checks = health.Prop("checks")!.Value.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("store", checks);
        Assert.Contains("broker", checks);
        Assert.Contains("relay", checks);
        Assert.Contains("saga-runner", checks);
        // The relay's entry counts parked outbox records (awaiting triage), in all and per context.
        var relay = health.Prop("checks")!.Value.Prop("relay")!.Value.Prop("data")!.Value;
        Assert.Equal(JsonValueKind.Number, relay.Prop("parked")!.Value.ValueKind);
        Assert.Equal(JsonValueKind.Number, relay.Prop("orders")!.Value.Prop("parked")!.Value.ValueKind);
    }

    [Fact]
    public async Task The_saga_runs_on_the_engine_the_run_asked_for()
    {
        // tests/run.sh runs this suite twice: on the embedded runner, and with Sagas__Engine=AzureStorage (Azurite). The host
        // inherits the setting from this process; a pass that silently ran on the other engine would prove nothing.
        var asked = Environment.GetEnvironmentVariable("Sagas__Engine") is { Length: > 0 } engine ? engine : "Embedded";

        var stats = await Shop.GetJsonAsync("api/admin/stats");

        Assert.Equal(asked, stats.Str("sagaEngine"));
    }

    [Fact]
    public async Task A_callers_correlation_id_is_echoed_back()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/health");
        request.Headers.Add("X-Correlation-Id", "checkout-test-42");

        using var response = await Shop.Http.SendAsync(request);

        Assert.Equal("checkout-test-42", Assert.Single(response.Headers.GetValues("X-Correlation-Id")));
    }

    [Fact]
    public async Task A_call_without_correlation_id_gets_one()
    {
        using var response = await Shop.Http.GetAsync("api/health");

        Assert.False(string.IsNullOrWhiteSpace(Assert.Single(response.Headers.GetValues("X-Correlation-Id"))));
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        using var response = await Shop.Http.GetAsync("api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.Int("status"));
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("inventory")]
    [InlineData("payments")]
    [InlineData("shipping")]
    [InlineData("notifications")]
    [InlineData("checkout")]
    public async Task Each_context_publishes_its_OpenAPI_document(string context)
    {
        var document = await Shop.GetJsonAsync($"openapi/{context}.json");

        Assert.NotNull(document.Str("openapi"));
        Assert.NotEmpty(document.Prop("paths")!.Value.EnumerateObject());
    }

    [Fact]
    public async Task The_sample_catalog_is_there_on_first_start()
    {
        var mug = await Shop.GetJsonAsync("api/inventory/products/mug-orderly");

        Assert.Equal("mug-orderly", mug.Str("sku"));
        Assert.True(mug.Dec("unitPrice") > 0);
    }

    [Fact]
    public async Task The_dead_letter_queue_can_be_listed()
    {
        using var response = await (await Shop.OperatorAsync()).GetAsync("api/admin/dead-letters");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(body.ValueKind, new[] { JsonValueKind.Array, JsonValueKind.Object });
    }

    [Fact]
    public async Task An_unknown_dead_letter_is_a_404_problem()
    {
        using var response = await (await Shop.OperatorAsync()).GetAsync($"api/admin/dead-letters/{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
