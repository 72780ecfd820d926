using System.Text.Json;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// Flex Consumption scales a Service Bus burst faster than Cosmos DB serverless absorbs it (azure-functions-host #10523):
/// instances (Bicep) times concurrent messages per instance (host.json) bound each app's peak load on its store.
/// </summary>
public sealed class ConcurrencyCapTests
{
    /// <summary>Concurrent handlers one app may run at peak; a serverless container absorbs this without sustained 429s.</summary>
    private const int PeakHandlersPerApp = 80;

    public static TheoryData<string> Contexts() => new("orders", "inventory", "payments", "shipping", "notifications");

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Each_apps_peak_concurrency_is_capped_by_instances_times_calls(string context)
    {
        var app = Assert.Single(BicepApp.All(), a => a.Name == context);
        var folder = $"functions/{context}/Orderly.{char.ToUpperInvariant(context[0])}{context[1..]}.Functions";
        using var host = JsonDocument.Parse(Repository.Read($"{folder}/host.json"));
        var calls = host.RootElement.GetProperty("extensions").GetProperty("serviceBus").GetProperty("maxConcurrentCalls").GetInt32();
        Assert.False(host.RootElement.GetProperty("concurrency").GetProperty("dynamicConcurrencyEnabled").GetBoolean(),
            "dynamic concurrency would raise the per-instance figure past the cap");
        Assert.InRange(app.MaximumInstanceCount * calls, 1, PeakHandlersPerApp);
    }
}
