using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orderly.Operations;
using Orderly.Operations.Functions;
using Orderly.Settings;

namespace Orderly.Functions.Tests;

/// <summary>The operations app serves the console page, its files and its settings, as Bicep configures it.</summary>
public sealed class OperationsAppTests
{
    private const string Folder = "functions/operations/Orderly.Operations.Functions";
    private const string AppInsights = "/subscriptions/0000/resourceGroups/rg-orderly-dev/providers/Microsoft.Insights/components/appi-x";

    [Fact]
    public async Task The_root_is_the_console_page()
    {
        using var host = OperationsApp(AppInsights);
        var (status, type, body) = await RunAsync(host, trigger => trigger.ConsolePage(Request(host)));

        Assert.Equal(200, status);
        Assert.StartsWith("text/html", type, StringComparison.Ordinal);
        Assert.Contains("<html", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_page_comes_under_its_content_security_policy_and_no_file_is_cached_stale_or_sniffed()
    {
        using var host = OperationsApp(AppInsights);
        var trigger = ActivatorUtilities.CreateInstance<OperationsHttp>(host.Services);

        var page = await HeadersAsync(host, trigger.ConsolePage(Request(host)));
        var script = await HeadersAsync(host, trigger.ConsoleFile(Request(host), "console/app.js"));

        Assert.Contains("script-src 'self'", page["Content-Security-Policy"].ToString(), StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", page["Content-Security-Policy"].ToString(), StringComparison.Ordinal);
        foreach (var headers in new[] { page, script })
        {
            Assert.Equal("no-cache", headers.CacheControl.ToString());
            Assert.Equal("nosniff", headers.XContentTypeOptions.ToString());
        }
        Assert.False(script.ContainsKey("Content-Security-Policy"));
    }

    [Fact]
    public async Task A_path_that_is_no_console_file_is_a_404_problem()
    {
        using var host = OperationsApp(AppInsights);
        var (status, type, _) = await RunAsync(host, trigger => trigger.ConsoleFile(Request(host), "no-such-file.js"));

        Assert.Equal(404, status);
        Assert.StartsWith("application/problem+json", type, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_settings_say_azure_no_dev_sign_in_and_name_the_application_insights_resource_traces_link_to()
    {
        using var host = OperationsApp(AppInsights);
        var (status, _, body) = await RunAsync(host, trigger => trigger.ConsoleConfig(Request(host)));

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("azure", json.RootElement.GetProperty("mode").GetString());
        Assert.False(json.RootElement.GetProperty("devSignIn").GetBoolean());
        Assert.Equal(AppInsights, json.RootElement.GetProperty("appInsightsResourceId").GetString());
    }

    [Fact]
    public void A_setting_that_names_no_application_insights_resource_stops_the_app_naming_the_setting()
    {
        var error = Assert.Throws<SettingException>(() => OperationsApp("appi-x").Dispose());
        Assert.Equal("Console__AppInsightsResourceId", error.Setting);
    }

    private static IHost OperationsApp(string appInsightsResourceId) => AppHosts.Build(Folder, b =>
    {
        b.Configuration[ConsoleConfig.AppInsightsResourceIdKey] = appInsightsResourceId;
        return b.AddOperationsApp();
    });

    private static HttpRequest Request(IHost host) =>
        new DefaultHttpContext { RequestServices = host.Services, Response = { Body = new MemoryStream() } }.Request;

    private static async Task<IHeaderDictionary> HeadersAsync(IHost host, IActionResult result)
    {
        var http = new DefaultHttpContext { RequestServices = host.Services, Response = { Body = new MemoryStream() } };
        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        Assert.Equal(200, http.Response.StatusCode);
        return http.Response.Headers;
    }

    private static async Task<(int Status, string? ContentType, string Body)> RunAsync(IHost host, Func<OperationsHttp, IActionResult> call)
    {
        var trigger = ActivatorUtilities.CreateInstance<OperationsHttp>(host.Services);
        var http = new DefaultHttpContext { RequestServices = host.Services, Response = { Body = new MemoryStream() } };
        await call(trigger).ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        return (http.Response.StatusCode, http.Response.ContentType, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}
