using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// docs/telemetry.md: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, the local host exports over OTLP what a standard viewer shows.
/// One checkout, placed with a W3C <c>traceparent</c>, arrives at an in-memory OTLP/HTTP collector as one trace: the HTTP request,
/// the outbox relay's publishes, the broker's sends and receives, a handler in each of the five contexts, and the saga's steps,
/// every span's parent inside the trace. The Orderly meter is exported too.
/// </summary>
public sealed class TelemetryExportTests(ITestOutputHelper output) : IAsyncLifetime
{
    private OtlpCollector? _collector;
    private ShopHost? _host;

    public async Task InitializeAsync()
    {
        if (ShopHost.IsExternal) return;
        _collector = OtlpCollector.Start();
        _host = await ShopHost.StartOwnAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export soon after the checkout instead of the defaults' 5 s (spans) and 60 s (metrics).
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_collector is not null) await _collector.DisposeAsync();
    }

    [Fact]
    public async Task One_checkout_is_one_trace_across_the_five_contexts_and_the_saga()
    {
        if (_host is null || _collector is null)
        {
            output.WriteLine("SKIPPED: ORDERLY_BASE_URL points at a shop these tests did not start; its exporter is not ours to set.");
            return;
        }
        var shop = new ShopApi(_host);
        var sku = ShopApi.NewSku("otlp");
        await shop.CreateProductAsync(sku, 5m, stock: 5);
        var traceId = Guid.NewGuid().ToString("N");
        var rootSpanId = Guid.NewGuid().ToString("N")[..16];
        var orderId = await PlaceTracedAsync(shop, sku, $"00-{traceId}-{rootSpanId}-01");
        Assert.Equal("Completed", (await shop.WaitForSagaEndAsync(orderId)).Str("status"));

        string[] contexts = ["orders", "inventory", "payments", "shipping", "notifications"];
        string[] steps = ["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"];
        List<ExportedSpan> trace = [];
        var complete = await Eventually.TrueAsync(() =>
        {
            trace = _collector.Spans.Where(s => s.TraceId == traceId).ToList();
            var handlers = trace.Select(s => s.Attribute("orderly.context")).ToHashSet();
            var sagaSteps = trace.Select(s => s.Attribute("orderly.saga.step")).ToHashSet();
            // The notification of the confirmation is the last thing the checkout causes.
            return Task.FromResult(contexts.All(handlers.Contains) && steps.All(sagaSteps.Contains)
                && trace.Any(s => s.Name == "handle orderly.orders.order-confirmed.v1" && s.Attribute("orderly.context") == "notifications"));
        }, TimeSpan.FromSeconds(20));
        var seen = string.Join("\n", trace.Select(s => $"{s.Scope} | {s.Name} | {s.Attribute("orderly.context")} | parent {s.ParentSpanId}"));
        Assert.True(complete, $"spans of trace {traceId}:\n{seen}");

        // The HTTP request is the trace's first span, a child of the caller's; the rest hang from it, none from outside.
        var request = Assert.Single(trace, s => s.Kind == ExportedSpan.Server && s.Name.StartsWith("POST", StringComparison.Ordinal));
        Assert.Equal(rootSpanId, request.ParentSpanId);
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        var orphans = trace.Where(s => s != request && !ids.Contains(s.ParentSpanId)).Select(s => $"{s.Name} (parent {s.ParentSpanId})").ToList();
        Assert.True(orphans.Count == 0, $"spans whose parent is not in the trace: {string.Join(", ", orphans)}\nids: {string.Join(" ", trace.Select(s => s.SpanId + "=" + s.Name))}");

        // Every kind of span the host makes: relay publishes, broker sends and receives, consumes, handlers, saga steps.
        Assert.Contains(trace, s => s.Name == "publish orders-events" && s.Scope == "Orderly");
        Assert.Contains(trace, s => s.Name == "send inventory-commands" && s.Scope == "Orderly.Broker");
        Assert.Contains(trace, s => s.Name == "receive inventory-commands" && s.Scope == "Orderly.Broker");
        Assert.Contains(trace, s => s.Name == "consume inventory-commands" && s.Scope == "Orderly");
        Assert.Contains(trace, s => s.Name == "handle orderly.inventory.reserve-stock.v1" && s.Attribute("orderly.context") == "inventory");
        Assert.Contains(trace, s => s.Name == "saga step CapturePayment" && s.Scope == "Orderly.Sagas" && s.Attribute("orderly.order.id") == orderId);

        // The meter goes out on the same exporter.
        var metrics = await Eventually.TrueAsync(() => Task.FromResult(
            new[] { "orderly.orders.placed", "orderly.checkouts", "orderly.saga.step.duration", "orderly.messaging.active" }
                .All(_collector.MetricNames.Contains)), TimeSpan.FromSeconds(10));
        Assert.True(metrics, "metrics exported: " + string.Join(", ", _collector.MetricNames));
    }

    private static async Task<string> PlaceTracedAsync(ShopApi shop, string sku, string traceParent)
    {
        var customer = ShopApi.NewCustomer();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/orders")
        {
            Content = new StringContent(JsonSerializer.Serialize(ShopApi.Order(customer, [(sku, 1)])), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", traceParent);
        using var response = await (await shop.CustomerAsync(customer)).SendAsync(request);
        await ShopApi.EnsureStatus(response, HttpStatusCode.Accepted, "POST /api/orders");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("orderId")!;
    }
}
