using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Orderly.Functions.Http;
using Orderly.Hosting.Access;
using Orderly.Operations;
using Orderly.Operations.Functions;
using Orderly.Settings;

namespace Orderly.Functions.Tests;

/// <summary>
/// The console's reads in Azure: the operations app sends a GET on, with the operator's token, to the app that serves it (a real
/// HTTP server on loopback stands in for that app), and answers what the app answered, or a 502/504 naming it.
/// </summary>
public sealed class OperationsReadsTests : IAsyncLifetime
{
    private const string Folder = "functions/operations/Orderly.Operations.Functions";
    private const string Token = "Bearer eyJ.operator.token";
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private readonly ConcurrentQueue<(string PathAndQuery, IHeaderDictionary Headers)> _received = new();
    private WebApplication _otherApp = null!;
    private string _otherUrl = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _otherApp = builder.Build();
        _otherApp.Run(async http =>
        {
            _received.Enqueue((http.Request.Path + http.Request.QueryString, new HeaderDictionary(new Dictionary<string, StringValues>(http.Request.Headers, StringComparer.OrdinalIgnoreCase))));
            switch (http.Request.Path.Value)
            {
                case "/api/orders/missing":
                    http.Response.StatusCode = 404;
                    http.Response.ContentType = "application/problem+json";
                    await http.Response.WriteAsync("""{"title":"Not Found","status":404}""");
                    break;
                case "/api/checkout/not-yours":
                    http.Response.StatusCode = 403;
                    http.Response.ContentType = "application/problem+json";
                    await http.Response.WriteAsync("""{"title":"Forbidden","status":403}""");
                    break;
                case "/api/orders/slow":
                    await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
                    break;
                default:
                    http.Response.ContentType = "application/json; charset=utf-8";
                    http.Response.Headers["X-Correlation-Id"] = "corr-from-app";
                    await http.Response.WriteAsync("""{"served":"by the other app"}""");
                    break;
            }
        });
        await _otherApp.StartAsync();
        _otherUrl = _otherApp.Urls.Single();
    }

    public async Task DisposeAsync() => await _otherApp.DisposeAsync();

    [Fact]
    public async Task A_read_goes_to_the_owning_app_with_its_path_query_token_correlation_and_trace_and_its_answer_comes_back_as_it_is()
    {
        using var host = OperationsApp(UrlsFor(orders: _otherUrl));
        var request = Request(host, "/api/orders", "?status=Placed&pageSize=25");

        var (status, type, body) = await RunAsync(host, t => t.SearchOrders(request, default));

        Assert.Equal(200, status);
        Assert.Equal("application/json; charset=utf-8", type);
        Assert.Equal("""{"served":"by the other app"}""", body);
        var (path, headers) = Assert.Single(_received);
        Assert.Equal("/api/orders?status=Placed&pageSize=25", path);
        Assert.Equal(Token, headers.Authorization.ToString());
        Assert.Equal("corr-1", headers["X-Correlation-Id"].ToString());
        Assert.Equal(TraceParent, headers["traceparent"].ToString());
        Assert.False(headers.ContainsKey("Cookie")); // only the listed headers go on
    }

    [Fact]
    public async Task The_apps_refusals_pass_through_with_their_status_and_body()
    {
        using var host = OperationsApp(UrlsFor(orders: _otherUrl, checkout: _otherUrl));

        var missing = await RunAsync(host, t => t.GetOrder(Request(host, "/api/orders/missing"), "missing", default));
        var forbidden = await RunAsync(host, t => t.GetCheckout(Request(host, "/api/checkout/not-yours"), "not-yours", default));

        Assert.Equal((404, "application/problem+json", """{"title":"Not Found","status":404}"""), missing);
        Assert.Equal((403, "application/problem+json", """{"title":"Forbidden","status":403}"""), forbidden);
        Assert.Equal(["/api/orders/missing", "/api/checkout/not-yours"], _received.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task An_unreachable_app_is_a_502_problem_naming_it_not_a_500()
    {
        using var host = OperationsApp(UrlsFor(checkout: ClosedPortUrl()));

        var (status, type, body) = await RunAsync(host, t => t.GetCheckout(Request(host, "/api/checkout/o-1"), "o-1", default));

        Assert.Equal(502, status);
        Assert.StartsWith("application/problem+json", type, StringComparison.Ordinal);
        Assert.Equal("checkout", JsonDocument.Parse(body).RootElement.GetProperty("app").GetString());
    }

    [Fact]
    public async Task An_app_slower_than_the_timeout_is_a_504_problem_naming_it()
    {
        using var host = OperationsApp(UrlsFor(orders: _otherUrl), timeoutSeconds: "1");

        var (status, type, body) = await RunAsync(host, t => t.GetOrder(Request(host, "/api/orders/slow"), "slow", default));

        Assert.Equal(504, status);
        Assert.StartsWith("application/problem+json", type, StringComparison.Ordinal);
        Assert.Equal("orders", JsonDocument.Parse(body).RootElement.GetProperty("app").GetString());
    }

    [Fact]
    public async Task A_context_s_health_is_that_app_s_own_and_an_unknown_context_is_a_404_without_a_call()
    {
        using var host = OperationsApp(UrlsFor(inventory: _otherUrl));

        var inventory = await RunAsync(host, t => t.ContextHealth(Request(host, "/api/health/inventory"), "inventory", default));
        var unknown = await RunAsync(host, t => t.ContextHealth(Request(host, "/api/health/billing"), "billing", default));

        Assert.Equal(200, inventory.Status);
        Assert.Equal("/api/health", Assert.Single(_received).PathAndQuery);
        Assert.Equal(404, unknown.Status);
        Assert.Contains("inventory", unknown.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_without_a_token_is_refused_with_401_by_the_operations_app_and_never_forwarded()
    {
        using var host = OperationsApp(UrlsFor(orders: _otherUrl, checkout: _otherUrl, inventory: _otherUrl));
        var gate = host.Services.GetRequiredService<AccessGate>();
        var routes = host.Services.GetRequiredService<FunctionRoutes>();

        foreach (var route in OperationsModule.Routes.Forwarded)
        {
            var http = new DefaultHttpContext { RequestServices = host.Services, Response = { Body = new MemoryStream() } };
            http.Request.Path = route.Pattern.Replace("{orderId}", "o-1").Replace("{customerId}", "c-1").Replace("{context}", "inventory");
            // The worker middleware runs the trigger only when the gate admits the call (FunctionAccessMiddleware).
            var refusal = await gate.AdmitAsync(http, routes.Find(route.Name)!.Policy);
            Assert.NotNull(refusal);
            await refusal.ExecuteAsync(http);
            Assert.Equal(401, http.Response.StatusCode);
            Assert.False(http.Response.Headers.ContainsKey(ForwardedAnswer.AnsweredByHeader)); // its own refusal: the console signs out
        }
        Assert.Empty(_received);
    }

    [Fact]
    public async Task A_forwarded_answer_names_the_app_that_gave_it_so_the_console_tells_its_refusal_from_the_operations_apps_own()
    {
        using var host = OperationsApp(UrlsFor(checkout: _otherUrl));
        var trigger = ActivatorUtilities.CreateInstance<OperationsHttp>(host.Services);
        var http = new DefaultHttpContext { RequestServices = host.Services, Response = { Body = new MemoryStream() } };

        var answer = await trigger.GetCheckout(Request(host, "/api/checkout/not-yours"), "not-yours", default);
        await answer.ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));

        Assert.Equal(403, http.Response.StatusCode);
        Assert.Equal("checkout", http.Response.Headers[ForwardedAnswer.AnsweredByHeader].ToString());
    }

    [Fact]
    public void A_malformed_app_url_list_stops_the_app_naming_the_setting()
    {
        var error = Assert.Throws<SettingException>(() => OperationsApp("""[{"name":"orders","url":"not a url"}]""").Dispose());
        Assert.Equal(AppUrls.SettingName, error.Setting);
    }

    private static string UrlsFor(string? orders = null, string? checkout = null, string? inventory = null) =>
        JsonSerializer.Serialize(new[] { ("orders", orders), ("checkout", checkout), ("inventory", inventory) }
            .Where(a => a.Item2 is not null).Select(a => new { name = a.Item1, url = a.Item2 }));

    private static string ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    private static IHost OperationsApp(string appUrls, string? timeoutSeconds = null) => AppHosts.Build(Folder, b =>
    {
        b.Configuration[AppUrls.Key] = appUrls;
        if (timeoutSeconds is not null) b.Configuration[AppReads.TimeoutKey] = timeoutSeconds;
        return b.AddOperationsApp();
    });

    private static HttpRequest Request(IHost host, string path, string query = "")
    {
        var http = new DefaultHttpContext { RequestServices = host.Services };
        http.Request.Method = "GET";
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        http.Request.Headers.Authorization = Token;
        http.Request.Headers["X-Correlation-Id"] = "corr-1";
        http.Request.Headers["traceparent"] = TraceParent;
        http.Request.Headers.Cookie = "session=operator";
        return http.Request;
    }

    private static async Task<(int Status, string? ContentType, string Body)> RunAsync(IHost host, Func<OperationsHttp, Task<IActionResult>> call)
    {
        var trigger = ActivatorUtilities.CreateInstance<OperationsHttp>(host.Services);
        var http = new DefaultHttpContext { RequestServices = host.Services, Response = { Body = new MemoryStream() } };
        await (await call(trigger)).ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        return (http.Response.StatusCode, http.Response.ContentType, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}
