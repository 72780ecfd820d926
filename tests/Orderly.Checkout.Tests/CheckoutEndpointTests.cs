using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

public sealed class CheckoutEndpointTests
{
    private sealed class FixedStatus(SagaInstanceStatus? status) : ISagaStatusReader
    {
        public Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default) =>
            Task.FromResult(status?.InstanceId == instanceId ? status : null);
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> Get(SagaInstanceStatus? status, string path)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<ISagaStatusReader>(new FixedStatus(status));
        builder.Services.AddProblemDetails();
        await using var app = builder.Build();
        app.MapCheckoutApi();
        await app.StartAsync();
        using var response = await app.GetTestClient().GetAsync(path);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    private static SagaInstanceStatus Instance(SagaRuntimeStatus runtime, string custom) => new("order-1", "CheckoutSaga", runtime,
        JsonDocument.Parse(custom).RootElement.Clone(), null, runtime == SagaRuntimeStatus.Failed ? "boom" : null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task An_unknown_order_has_no_checkout_404_problem_json()
    {
        var (status, contentType, body) = await Get(null, "/api/checkout/order-404");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Contains("order-404", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_checkout_shows_its_status_current_step_steps_and_compensations()
    {
        var custom = """{"orderId":"order-1","status":"Running","currentStep":"AuthorizePayment","steps":[{"name":"ReserveStock","status":"Succeeded"}],"compensations":[]}""";
        var (status, _, body) = await Get(Instance(SagaRuntimeStatus.Running, custom), "/api/checkout/order-1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("order-1", body.GetProperty("orderId").GetString());
        Assert.Equal("Running", body.GetProperty("status").GetString());
        Assert.Equal("AuthorizePayment", body.GetProperty("currentStep").GetString());
        Assert.Equal("ReserveStock", body.GetProperty("steps")[0].GetProperty("name").GetString());
        Assert.Equal(0, body.GetProperty("compensations").GetArrayLength());
    }

    [Fact]
    public async Task A_checkout_whose_saga_crashed_shows_Failed_whatever_it_last_said()
    {
        var custom = """{"orderId":"order-1","status":"Running","currentStep":"CreateShipment","steps":[],"compensations":[]}""";
        var (_, _, body) = await Get(Instance(SagaRuntimeStatus.Failed, custom), "/api/checkout/order-1");

        Assert.Equal("Failed", body.GetProperty("status").GetString());
        Assert.Equal("boom", body.GetProperty("failure").GetString());
    }

    [Fact]
    public async Task A_checkout_not_yet_run_shows_Running_with_no_steps()
    {
        var pending = new SagaInstanceStatus("order-1", "CheckoutSaga", SagaRuntimeStatus.Pending, null, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var (status, _, body) = await Get(pending, "/api/checkout/order-1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Running", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("steps").GetArrayLength());
    }
}
