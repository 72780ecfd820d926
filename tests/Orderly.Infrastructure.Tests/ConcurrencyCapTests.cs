using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// Flex Consumption scales a Service Bus burst faster than Cosmos DB serverless absorbs it (azure-functions-host #10523), so
/// each app is capped. The cap, maximumInstanceCount, holds per scale group, not per app: Flex gives every Service Bus
/// trigger its own instances (HTTP triggers share one group, Durable Functions another), and caps each group
/// (MicrosoftDocs event-driven-scaling.md "Per-function scaling"; azure-rest-api-specs #45083: "the maximum number of on
/// demand instances per function group"). An app's peak of concurrent message handlers, all writing its one container, is
/// therefore Service Bus triggers × maximumInstanceCount × maxConcurrentCalls.
/// </summary>
public sealed partial class ConcurrencyCapTests
{
    /// <summary>Concurrent handlers one app may run at peak; a serverless container absorbs this without sustained 429s.</summary>
    private const int PeakHandlersPerApp = 80;

    public static TheoryData<string> Contexts() => new("orders", "inventory", "payments", "shipping", "notifications", "checkout");

    private static string AppFolder(string context) =>
        context == "checkout"
            ? "orchestrations/checkout/Orderly.Checkout.Functions"
            : $"functions/{context}/Orderly.{char.ToUpperInvariant(context[0])}{context[1..]}.Functions";

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Each_apps_peak_handlers_are_its_service_bus_scale_groups_times_instances_times_calls(string context)
    {
        var app = Assert.Single(BicepApp.All(), a => a.Name == context);
        var folder = AppFolder(context);
        using var host = JsonDocument.Parse(Repository.Read($"{folder}/host.json"));
        var calls = host.RootElement.GetProperty("extensions").GetProperty("serviceBus").GetProperty("maxConcurrentCalls").GetInt32();
        Assert.False(host.RootElement.GetProperty("concurrency").GetProperty("dynamicConcurrencyEnabled").GetBoolean(),
            "dynamic concurrency would raise the per-instance figure past the cap");
        // One scale group per Service Bus trigger (TriggerBindingTests: exactly the entities the app's identity reads).
        var groups = ServiceBusTrigger().Count(string.Join('\n', Repository.FilesUnder(folder, ".cs").Select(File.ReadAllText)));
        Assert.Equal(app.ReceiveQueues.Count + app.ReceiveSubscriptions.Count, groups);
        Assert.InRange(groups * app.MaximumInstanceCount * calls, 1, PeakHandlersPerApp);
    }

    [GeneratedRegex(@"\[ServiceBusTrigger\(")]
    private static partial Regex ServiceBusTrigger();
}
