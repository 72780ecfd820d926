using System.Net;
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

/// <summary>
/// Queue depths in Azure from Azure Monitor's Metrics - List REST API (no SDK): the request the adapter sends, read off the wire
/// by a stub handler, and the depths it reads from an answer of the documented shape (azure-rest-api-specs,
/// Microsoft.Insights stable/2023-10-01, examples/GetMetric.json: value[].name.value, timeseries[].metadatavalues[], data[]).
/// </summary>
public sealed class ServiceBusMetricsTests
{
    private const string NamespaceId = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-orderly-dev/providers/Microsoft.ServiceBus/namespaces/sb-abc123";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 20, 15, 30, TimeSpan.Zero);

    /// <summary>An answer as Azure Monitor gives it for the namespace: per metric, a series per entity; the newest minute still empty.</summary>
    private const string Recorded = """
        {
          "cost": 10,
          "timespan": "2026-12-07T20:10:30Z/2026-12-07T20:15:30Z",
          "interval": "PT1M",
          "value": [
            {
              "id": "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-orderly-dev/providers/Microsoft.ServiceBus/namespaces/sb-abc123/providers/Microsoft.Insights/metrics/ActiveMessages",
              "type": "Microsoft.Insights/metrics",
              "name": { "value": "ActiveMessages", "localizedValue": "Count of active messages in a Queue/Topic." },
              "unit": "Count",
              "timeseries": [
                { "metadatavalues": [ { "name": { "value": "entityname", "localizedValue": "entityname" }, "value": "payments-commands" } ],
                  "data": [ { "timeStamp": "2026-12-07T20:12:00Z", "maximum": 40.0 }, { "timeStamp": "2026-12-07T20:13:00Z", "maximum": 12.0 },
                            { "timeStamp": "2026-12-07T20:14:00Z" } ] },
                { "metadatavalues": [ { "name": { "value": "entityname", "localizedValue": "entityname" }, "value": "orders-events" } ],
                  "data": [ { "timeStamp": "2026-12-07T20:13:00Z", "maximum": 3.0 } ] }
              ],
              "errorCode": "Success"
            },
            {
              "id": "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-orderly-dev/providers/Microsoft.ServiceBus/namespaces/sb-abc123/providers/Microsoft.Insights/metrics/DeadletteredMessages",
              "type": "Microsoft.Insights/metrics",
              "name": { "value": "DeadletteredMessages", "localizedValue": "Count of dead-lettered messages in a Queue/Topic." },
              "unit": "Count",
              "timeseries": [
                { "metadatavalues": [ { "name": { "value": "entityname", "localizedValue": "entityname" }, "value": "payments-commands" } ],
                  "data": [ { "timeStamp": "2026-12-07T20:13:00Z", "maximum": 2.0 } ] },
                { "metadatavalues": [ { "name": { "value": "entityname", "localizedValue": "entityname" }, "value": "inventory-commands" } ],
                  "data": [ { "timeStamp": "2026-12-07T20:13:00Z", "maximum": 1.0 } ] }
              ],
              "errorCode": "Success"
            }
          ],
          "namespace": "Microsoft.ServiceBus/namespaces",
          "resourceregion": "swedencentral"
        }
        """;

    [Fact]
    public void The_depths_are_each_entitys_last_measured_minute_of_both_metrics()
    {
        using var answer = JsonDocument.Parse(Recorded);

        var depths = ServiceBusMetrics.Parse(answer.RootElement);

        Assert.Equal("azure-monitor", depths.Source);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 20, 13, 0, TimeSpan.Zero), depths.MeasuredAt);
        Assert.Equal(
            [new("inventory-commands", 0, 1), new("orders-events", 3, 0), new EntityDepth("payments-commands", 12, 2)],
            depths.Depths);
    }

    [Fact]
    public async Task The_read_asks_azure_resource_manager_for_both_metrics_per_entity_with_the_apps_token()
    {
        var wire = new RecordingHandler(HttpStatusCode.OK, Recorded);
        var metrics = new ServiceBusMetrics(new HttpClient(wire), _ => ValueTask.FromResult("token-of-the-app"), NamespaceId, new FixedTime(Now));

        var depths = await metrics.ReadAsync(default);

        var request = Assert.Single(wire.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("Bearer token-of-the-app", request.Authorization);
        Assert.Equal("https://management.azure.com" + NamespaceId + "/providers/Microsoft.Insights/metrics", request.Uri.GetLeftPart(UriPartial.Path));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.Uri.Query);
        Assert.Equal("2023-10-01", query["api-version"]);
        Assert.Equal("ActiveMessages,DeadletteredMessages", query["metricnames"]);
        Assert.Equal("EntityName eq '*'", query["$filter"]);
        Assert.Equal("Maximum", query["aggregation"]);
        Assert.Equal("PT1M", query["interval"]);
        Assert.Equal("2026-12-07T20:10:30Z/2026-12-07T20:15:30Z", query["timespan"]);
        Assert.Equal("100", query["top"]); // more series than the 7 queues and topics (the default is 10)
        Assert.Equal(3, depths.Depths.Count);
    }

    [Fact]
    public async Task Azure_monitors_refusal_is_a_502_problem_with_its_reason_and_no_namespace_is_a_404_naming_the_setting()
    {
        const string refusal = """{"error":{"code":"AuthorizationFailed","message":"The client 'x' does not have authorization to perform action 'microsoft.insights/metrics/read'"}}""";
        var metrics = new ServiceBusMetrics(new HttpClient(new RecordingHandler(HttpStatusCode.Forbidden, refusal)),
            _ => ValueTask.FromResult("t"), NamespaceId, new FixedTime(Now));

        var refused = await RunAsync(QueueDepthEndpoints.Read(metrics, default));
        var unset = await RunAsync(QueueDepthEndpoints.Read(null, default));

        Assert.Equal(502, refused.Status);
        Assert.Contains("403", refused.Body, StringComparison.Ordinal);
        Assert.Contains("AuthorizationFailed", refused.Body, StringComparison.Ordinal);
        Assert.Equal(404, unset.Status);
        Assert.Contains("Operations__ServiceBusNamespaceId", unset.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operations_app_reads_depths_once_the_namespace_is_set_and_refuses_a_value_that_is_no_namespace()
    {
        using var unset = AppHosts.Build("functions/operations/Orderly.Operations.Functions", b => b.AddOperationsApp());
        Assert.Null(unset.Services.GetService<ServiceBusMetrics>());
        var depths = await RunAsync(ActivatorUtilities.CreateInstance<OperationsHttp>(unset.Services).QueueDepths(new DefaultHttpContext().Request, default));
        Assert.Equal(404, depths.Status);

        using var set = AppHosts.Build("functions/operations/Orderly.Operations.Functions", b =>
        {
            b.Configuration[ServiceBusMetrics.NamespaceIdKey] = NamespaceId;
            return b.AddOperationsApp();
        });
        Assert.NotNull(set.Services.GetService<ServiceBusMetrics>());

        var error = Assert.Throws<SettingException>(() => AppHosts.Build("functions/operations/Orderly.Operations.Functions", b =>
        {
            b.Configuration[ServiceBusMetrics.NamespaceIdKey] = "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z";
            return b.AddOperationsApp();
        }).Dispose());
        Assert.Equal("Operations__ServiceBusNamespaceId", error.Setting);
    }

    private static async Task<(int Status, string Body)> RunAsync<T>(Task<T> result) where T : IResult
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(), Response = { Body = new MemoryStream() } };
        await (await result).ExecuteAsync(http);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }

    private static async Task<(int Status, string Body)> RunAsync(Task<IActionResult> result)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(), Response = { Body = new MemoryStream() } };
        await (await result).ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Answers every request with one status and body, and keeps what each request was.</summary>
    private sealed class RecordingHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<(HttpMethod Method, Uri Uri, string? Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString()));
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
