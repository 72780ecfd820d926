using System.Text.Json;
using Orderly.Contracts;

namespace Orderly.Infrastructure.Tests;

/// <summary>The queues, topics and subscriptions the code sends to exist, identically, in Azure and in the emulator.</summary>
public sealed class MessagingTopologyTests
{
    private static readonly string ServiceBusBicep = Repository.Read("infra/bicep/modules/servicebus.bicep");

    private static IReadOnlyList<(string Topic, string Subscription)> BicepSubscriptions()
    {
        var topics = (List<object>)BicepLiteral.Variable(ServiceBusBicep, "topics");
        return topics.Cast<Dictionary<string, object>>()
            .SelectMany(t => BicepLiteral.Strings(t["subscriptions"]).Select(s => ((string)t["name"], s)))
            .ToList();
    }

    [Fact]
    public void Every_destination_exists_in_bicep()
    {
        Assert.Equal(Destinations.Queues.Order(), BicepLiteral.Strings(BicepLiteral.Variable(ServiceBusBicep, "queues")).Order());
        var topics = ((List<object>)BicepLiteral.Variable(ServiceBusBicep, "topics")).Cast<Dictionary<string, object>>();
        Assert.Equal(Destinations.Topics.Order(), topics.Select(t => (string)t["name"]).Order());
        Assert.Equal(Declared().Order(), BicepSubscriptions().Order());
    }

    [Fact]
    public void Every_queue_and_subscription_dead_letters_after_bounded_deliveries_and_on_expiry()
    {
        foreach (var resourceType in new[] { "namespaces/queues@", "namespaces/topics/subscriptions@" })
        {
            var block = ResourceBlock(ServiceBusBicep, resourceType);
            Assert.Contains("maxDeliveryCount: maxDeliveryCount", block);
            Assert.Contains("deadLetteringOnMessageExpiration: true", block);
        }
        var max = (long)BicepLiteral.Variable(ServiceBusBicep, "maxDeliveryCount");
        Assert.InRange(max, 1, 10); // the emulator accepts at most 10: keep Azure and local alike
    }

    [Fact]
    public void Queues_and_topics_detect_duplicates_so_relay_retries_are_dropped()
    {
        Assert.Contains("requiresDuplicateDetection: true", ResourceBlock(ServiceBusBicep, "namespaces/queues@"));
        Assert.Contains("requiresDuplicateDetection: true", ResourceBlock(ServiceBusBicep, "namespaces/topics@"));
    }

    [Fact]
    public void Every_destination_exists_in_the_emulator_config_with_dead_lettering()
    {
        using var config = JsonDocument.Parse(Repository.Read("infra/emulators/servicebus-config.json"));
        var ns = config.RootElement.GetProperty("UserConfig").GetProperty("Namespaces")[0];

        var queues = ns.GetProperty("Queues").EnumerateArray().ToList();
        Assert.Equal(Destinations.Queues.Order(), queues.Select(q => q.GetProperty("Name").GetString()!).Order());
        var topics = ns.GetProperty("Topics").EnumerateArray().ToList();
        Assert.Equal(Destinations.Topics.Order(), topics.Select(t => t.GetProperty("Name").GetString()!).Order());
        var subscriptions = topics.SelectMany(t => t.GetProperty("Subscriptions").EnumerateArray()
            .Select(s => (Topic: t.GetProperty("Name").GetString()!, Sub: s))).ToList();
        Assert.Equal(Declared().Order(), subscriptions.Select(s => (s.Topic, s.Sub.GetProperty("Name").GetString()!)).Order());

        foreach (var entity in queues.Concat(subscriptions.Select(s => s.Sub)))
        {
            var props = entity.GetProperty("Properties");
            Assert.True(props.GetProperty("DeadLetteringOnMessageExpiration").GetBoolean(), entity.GetProperty("Name").GetString());
            Assert.InRange(props.GetProperty("MaxDeliveryCount").GetInt32(), 1, 10);
        }
        Assert.All(queues, q => Assert.True(q.GetProperty("Properties").GetProperty("RequiresDuplicateDetection").GetBoolean()));
    }

    [Fact]
    public void Every_queue_and_subscription_has_exactly_one_consuming_app()
    {
        var apps = BicepApp.All();
        foreach (var queue in Destinations.Queues)
            Assert.Single(apps, a => a.ReceiveQueues.Contains(queue));
        foreach (var (topic, subscription) in Declared())
            Assert.Single(apps, a => a.ReceiveSubscriptions.Contains($"{topic}/{subscription}"));
    }

    [Fact]
    public void Bicep_and_the_emulator_filter_exactly_the_subscriptions_that_declare_types_to_those_types()
    {
        var declared = DeclaredTakes();
        Assert.NotEmpty(declared);

        var bicep = ((List<object>)BicepLiteral.Variable(ServiceBusBicep, "filteredSubscriptions")).Cast<Dictionary<string, object>>()
            .Select(s => Takes((string)s["topic"], (string)s["name"], BicepLiteral.Strings(s["takes"])));
        Assert.Equal(declared, bicep.Order());

        using var config = JsonDocument.Parse(Repository.Read("infra/emulators/servicebus-config.json"));
        var emulator = config.RootElement.GetProperty("UserConfig").GetProperty("Namespaces")[0].GetProperty("Topics").EnumerateArray()
            .SelectMany(t => t.GetProperty("Subscriptions").EnumerateArray()
                .Where(s => s.TryGetProperty("Rules", out _))
                .Select(s => Takes(t.GetProperty("Name").GetString()!, s.GetProperty("Name").GetString()!, s.GetProperty("Rules").EnumerateArray()
                    .Select(r => Assert.Single(r.GetProperty("Properties").GetProperty("CorrelationFilter").EnumerateObject(), p => p.Name == "Label").Value.GetString()!)
                    .ToList())));
        Assert.Equal(declared, emulator.Order());
    }

    [CompiledFact]
    public void Each_subscriptions_default_rule_is_written_with_the_types_it_takes_when_deployed()
    {
        var rules = CompiledTemplate.Deployment.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions/rules").ToList();

        // Any other rule name would sit beside $Default's TrueFilter, and every message would still match.
        Assert.All(rules, r => Assert.EndsWith("/$Default", r.Name, StringComparison.Ordinal));
        var deployed = rules.Select(r =>
        {
            var parts = r.Name.Split('/');
            IReadOnlyList<string>? takes = r.At("properties.filterType") as string == "CorrelationFilter"
                ? [(string)r.At("properties.correlationFilter.label")!]
                : (string)r.At("properties.sqlFilter.sqlExpression")! is "1=1" ? null : SqlLabels((string)r.At("properties.sqlFilter.sqlExpression")!);
            return Takes(parts[1], parts[2], takes);
        });
        var declared = Destinations.Subscriptions.Select(s => Takes(s.Topic, s.Subscription, s.Takes));
        Assert.Equal(declared.Order(), deployed.Order());
    }

    private static IEnumerable<(string Topic, string Subscription)> Declared() => Destinations.Subscriptions.Select(s => (s.Topic, s.Subscription));

    private static IReadOnlyList<string> DeclaredTakes() => Destinations.Subscriptions.Where(s => s.Takes is not null)
        .Select(s => Takes(s.Topic, s.Subscription, s.Takes!)).Order().ToList();

    /// <summary>One comparable line per subscription: <c>topic/subscription: type, type</c> (or <c>every message</c>).</summary>
    private static string Takes(string topic, string subscription, IEnumerable<string>? types) =>
        $"{topic}/{subscription}: {(types is null ? "every message" : string.Join(", ", types.Order(StringComparer.Ordinal)))}";

    // sys.Label IN ('a', 'b')
    private static List<string> SqlLabels(string expression) =>
        System.Text.RegularExpressions.Regex.Matches(expression, "'([^']+)'").Select(m => m.Groups[1].Value).ToList();

    /// <summary>The text of the first resource declaration whose type contains <paramref name="typeFragment"/>.</summary>
    internal static string ResourceBlock(string bicep, string typeFragment)
    {
        var at = bicep.IndexOf(typeFragment, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no resource of type {typeFragment}");
        var end = bicep.IndexOf("\n}", at, StringComparison.Ordinal);
        return bicep[at..end];
    }
}
