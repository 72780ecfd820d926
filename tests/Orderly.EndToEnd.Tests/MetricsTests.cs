using System.Text.Json;
using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// The operator's figures move with the shop's work: <c>GET /api/admin/metrics</c> (the console's plots) counts the orders placed
/// and the checkouts by outcome in its 10-second buckets, with step latency percentiles, and lists every queue's depth;
/// <c>/api/admin/stats</c> counts the messages handled, from the same meter. Both held to the admin OpenAPI document.
/// </summary>
public sealed class MetricsTests(ITestOutputHelper output) : ShopTest
{
    [Fact]
    public async Task A_completed_and_a_declined_checkout_show_in_the_metrics_buckets_and_the_stats()
    {
        if (ShopHost.IsExternal)
        {
            output.WriteLine("SKIPPED: the metrics route is the local host's (in Azure, the same meter goes to Application Insights).");
            return;
        }
        var before = await Shop.GetJsonAsync("api/admin/metrics");
        var since = LastBucketStart(before);
        var handledBefore = (await Shop.GetJsonAsync("api/admin/stats")).GetProperty("messagesHandled").GetInt64();
        var sku = ShopApi.NewSku("metrics");
        await Shop.CreateProductAsync(sku, 3m, stock: 10);

        var completed = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)]));
        var declined = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)], "tok_decline_card"));
        Assert.Equal("Completed", (await Shop.WaitForSagaEndAsync(completed)).Str("status"));
        Assert.Equal("Compensated", (await Shop.WaitForSagaEndAsync(declined)).Str("status"));

        // Other tests share the shop, so the buckets since the start of this test hold at least this test's work.
        var after = await Shop.GetJsonAsync("api/admin/metrics");
        Assert.Equal(10, after.GetProperty("bucketSeconds").GetInt32());
        var buckets = after.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(90, buckets.Count);
        var recent = buckets.Where(b => b.GetProperty("at").GetDateTimeOffset() >= since).ToList();
        Assert.True(Sum(recent, "ordersPlaced") - Sum(Recent(before, since), "ordersPlaced") >= 2, after.ToString());
        Assert.True(Sum(recent, "checkoutsCompleted") >= 1, after.ToString());
        Assert.True(Sum(recent, "checkoutsCompensated") >= 1, after.ToString());
        var latencies = recent.Select(b => b.Prop("stepLatencyMs")).OfType<JsonElement>().ToList();
        Assert.NotEmpty(latencies);
        Assert.All(latencies, l => Assert.True(
            l.GetProperty("p50").GetDouble() > 0 && l.GetProperty("p50").GetDouble() <= l.GetProperty("p95").GetDouble()
            && l.GetProperty("p95").GetDouble() <= l.GetProperty("p99").GetDouble(), l.ToString()));

        // Every queue and subscription the consumers read, with its depth now.
        var depths = after.GetProperty("depths").EnumerateArray().ToList();
        foreach (var entity in new[] { "orders-commands", "inventory-commands", "payments-commands", "shipping-commands", "checkout-replies" })
            Assert.Contains(depths, d => d.Str("entity") == entity && d.GetProperty("active").GetInt64() >= 0 && d.GetProperty("deadLettered").GetInt64() >= 0);

        // A completed checkout alone is some twenty messages handled.
        var handledAfter = (await Shop.GetJsonAsync("api/admin/stats")).GetProperty("messagesHandled").GetInt64();
        Assert.True(handledAfter - handledBefore >= 20, $"{handledBefore} -> {handledAfter}");
    }

    private static DateTimeOffset LastBucketStart(JsonElement metrics) =>
        metrics.GetProperty("buckets").EnumerateArray().Last().GetProperty("at").GetDateTimeOffset();

    private static List<JsonElement> Recent(JsonElement metrics, DateTimeOffset since) =>
        metrics.GetProperty("buckets").EnumerateArray().Where(b => b.GetProperty("at").GetDateTimeOffset() >= since).ToList();

    private static long Sum(IEnumerable<JsonElement> buckets, string name) => buckets.Sum(b => b.GetProperty(name).GetInt64());
}
