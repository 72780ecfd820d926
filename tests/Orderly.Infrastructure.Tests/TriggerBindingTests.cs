using System.Reflection;
using System.Text.RegularExpressions;
using Orderly.Contracts;

namespace Orderly.Infrastructure.Tests;

/// <summary>What each app's triggers read is exactly what its identity may read: no trigger fails on a missing role, no role is spare.</summary>
public sealed class TriggerBindingTests
{
    private static readonly Regex ServiceBusTrigger = new(@"\[ServiceBusTrigger\((?<first>[^,\)]+)(,\s*(?<second>[^,\)=]+?))?\s*(,\s*\w+\s*=[^\]]*)?\)\]");
    private static readonly Regex CosmosTrigger = new(@"\[CosmosDBTrigger\((?<db>""[^""]+""),\s*(?<container>[\w\.]+)[^\]]*LeaseContainerPrefix\s*=\s*""(?<prefix>[^""]+)""");

    private static readonly Dictionary<string, string> Constants = typeof(Destinations)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
        .ToDictionary(f => $"Destinations.{f.Name}", f => (string)f.GetRawConstantValue()!);

    private static string AppFolder(string context) =>
        context == "checkout"
            ? "orchestrations/checkout/Orderly.Checkout.Functions"
            : $"functions/{context}/Orderly.{char.ToUpperInvariant(context[0])}{context[1..]}.Functions";

    private static string Source(string context) =>
        string.Join('\n', Repository.FilesUnder(AppFolder(context), ".cs").Select(File.ReadAllText));

    private static string Resolve(string argument)
    {
        argument = argument.Trim();
        if (argument.StartsWith('"')) return argument.Trim('"');
        if (Constants.TryGetValue(argument, out var value)) return value;
        throw new InvalidOperationException($"cannot resolve trigger argument {argument}");
    }

    public static TheoryData<string> BaseContexts() => new("orders", "inventory", "payments", "shipping", "notifications");

    public static TheoryData<string> AllContexts() => new("orders", "inventory", "payments", "shipping", "notifications", "checkout");

    [Theory]
    [MemberData(nameof(AllContexts))]
    public void Each_app_identity_receives_exactly_what_its_triggers_read(string context)
    {
        var app = Assert.Single(BicepApp.All(), a => a.Name == context);
        var triggers = ServiceBusTrigger.Matches(Source(context)).Select(m => m.Groups["second"].Success
            ? $"{Resolve(m.Groups["first"].Value)}/{Resolve(m.Groups["second"].Value)}"
            : Resolve(m.Groups["first"].Value)).ToList();

        var granted = app.ReceiveQueues.Concat(app.ReceiveSubscriptions).ToList();
        Assert.Equal(granted.Order(), triggers.Order());
    }

    [Theory]
    [MemberData(nameof(BaseContexts))]
    public void Each_outbox_relay_reads_its_own_container_with_its_own_lease_prefix(string context)
    {
        var relays = CosmosTrigger.Matches(Source(context)).ToList();
        var app = Assert.Single(BicepApp.All(), a => a.Name == context);
        if (app.SendQueues.Count + app.SendTopics.Count == 0)
        {
            Assert.Empty(relays); // nothing to relay: no change-feed reads to pay for
            return;
        }
        var relay = Assert.Single(relays);
        Assert.EndsWith("Module.Name", relay.Groups["container"].Value, StringComparison.Ordinal);
        Assert.Equal($"{context}-", relay.Groups["prefix"].Value);
        Assert.Equal("\"%ORDERLY_COSMOS_DATABASE%\"", relay.Groups["db"].Value);
        Assert.Contains("ORDERLY_COSMOS_DATABASE: cosmosDatabaseName", Repository.Read("infra/bicep/modules/function-app.bicep"));
    }
}
