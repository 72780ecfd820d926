using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Hosting.Access;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

public sealed class CheckoutEndpointTests
{
    private sealed class FixedStatus(SagaInstanceStatus? status) : ISagaStatusReader
    {
        public Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default) =>
            Task.FromResult(status?.InstanceId == instanceId ? status : null);
    }

    private static readonly TestTokens Tokens = new();

    /// <summary>GET <paramref name="path"/> on the checkout API behind the access gate, as an operator unless a caller is given.</summary>
    private static async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> Get(SagaInstanceStatus? status, string path,
        string? subject = "ops", string role = Roles.Operator)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<ISagaStatusReader>(new FixedStatus(status));
        builder.Services.AddProblemDetails();
        builder.Services.AddAccessGate(_ => Tokens.Validator());
        await using var app = builder.Build();
        app.UseAccessGate();
        app.MapCheckoutApi();
        await app.StartAsync();
        var client = app.GetTestClient();
        if (subject is not null) Tokens.As(client, subject, role);
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    private const string AdasCheckout = """{"orderId":"order-1","customerId":"ada","status":"Running","currentStep":"AuthorizePayment","steps":[],"compensations":[]}""";

    [Fact]
    public async Task A_customer_sees_their_own_checkout_and_another_customers_is_404_like_a_missing_one()
    {
        var (own, _, _) = await Get(Instance(SagaRuntimeStatus.Running, AdasCheckout), "/api/checkout/order-1", "ada", Roles.Customer);
        var (other, _, body) = await Get(Instance(SagaRuntimeStatus.Running, AdasCheckout), "/api/checkout/order-1", "mallory", Roles.Customer);
        Assert.Equal(HttpStatusCode.OK, own);
        Assert.Equal(HttpStatusCode.NotFound, other);
        Assert.Equal("No checkout for this order", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Without_a_token_the_checkout_is_401_and_a_shop_admin_gets_403()
    {
        var (anonymous, _, _) = await Get(Instance(SagaRuntimeStatus.Running, AdasCheckout), "/api/checkout/order-1", subject: null);
        var (admin, _, _) = await Get(Instance(SagaRuntimeStatus.Running, AdasCheckout), "/api/checkout/order-1", "shopkeeper", Roles.ShopAdmin);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.Forbidden, admin);
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
