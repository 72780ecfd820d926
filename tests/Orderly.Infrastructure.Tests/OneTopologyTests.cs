using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Checkout;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Inventory;
using Orderly.Messaging;
using Orderly.Notifications;
using Orderly.Orders;
using Orderly.Payments;
using Orderly.Shipping;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// One messaging topology. Entity names are contract (<see cref="Destinations"/>), and this is what fails when one side is
/// renamed alone: each Service Bus trigger hands the pipeline the entity it listens on; each core keys its handlers on
/// exactly the entities its triggers listen on; each app may receive (Bicep) from exactly those and send to exactly what its
/// core publishes to; and Bicep and the emulator config declare exactly the entities the cores use.
/// </summary>
public sealed class OneTopologyTests
{
    // [ServiceBusTrigger(queue | topic, subscription, Named = ...)] ... consumer.ProcessAsync(queue | topic, subscription, message, ...
    private static readonly Regex Trigger = new(
        @"\[ServiceBusTrigger\((?<listens>[^=\)\]]*?)(,\s*\w+\s*=[^\]]*)?\)\][^;]*?\.ProcessAsync\((?<handed>[^;]*?),\s*message\b");

    private static readonly Dictionary<string, string> Constants = typeof(Destinations)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
        .ToDictionary(f => $"Destinations.{f.Name}", f => (string)f.GetRawConstantValue()!);

    private static readonly string[] AllContexts = ["orders", "inventory", "payments", "shipping", "notifications", "checkout"];

    public static TheoryData<string> Contexts() => new(AllContexts);

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Each_trigger_hands_the_pipeline_the_entity_it_listens_on(string context)
    {
        var source = TriggerSource(context);
        var triggers = Trigger.Matches(source).ToList();

        Assert.Equal(Regex.Count(source, @"\[ServiceBusTrigger\("), triggers.Count); // none escaped the pattern
        Assert.All(triggers, t => Assert.Equal(Entity(t.Groups["listens"].Value), Entity(t.Groups["handed"].Value)));
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Each_core_keys_its_handlers_on_exactly_the_entities_its_triggers_listen_on(string context)
    {
        var triggers = Trigger.Matches(TriggerSource(context)).Select(t => Entity(t.Groups["listens"].Value));
        Assert.Equal(Receives(context), triggers.Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Each_app_may_receive_what_its_core_handles_and_send_where_its_core_publishes(string context)
    {
        var app = Assert.Single(BicepApp.All(), a => a.Name == context);
        var receives = app.ReceiveQueues.Concat(app.ReceiveSubscriptions.Select(BicepSubscription));

        Assert.Equal(Receives(context), receives.Order(StringComparer.Ordinal));
        Assert.Equal(Publishes(context), app.SendQueues.Concat(app.SendTopics).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bicep_and_the_emulator_declare_exactly_the_entities_the_cores_use()
    {
        var used = AllContexts.SelectMany(c => Receives(c).Concat(Publishes(c))).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(used.Order(StringComparer.Ordinal), BicepEntities());
        Assert.Equal(used.Order(StringComparer.Ordinal), EmulatorEntities());
    }

    [Fact]
    public void A_subscription_that_declares_types_takes_exactly_the_types_its_consumers_handle()
    {
        var handled = AllContexts.SelectMany(Bindings).ToLookup(b => b.Entity, b => b.Message.Name, StringComparer.Ordinal);
        var filtered = Destinations.Subscriptions.Where(s => s.Takes is not null).ToList();

        Assert.NotEmpty(filtered);
        // Fewer would drop a message a consumer handles; more would deliver one only to complete it as "not interested".
        Assert.All(filtered, s => Assert.Equal(
            handled[EntityPath.Subscription(s.Topic, s.Subscription)].Distinct().Order(StringComparer.Ordinal),
            s.Takes!.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void The_checkout_receives_replies_where_its_commands_say_to_reply()
    {
        Assert.Contains(CheckoutOptions.Queues.Replies, Receives("checkout"));
        Assert.Equal(CheckoutModule.RepliesEntity, CheckoutOptions.Queues.Replies);
    }

    [Theory]
    [InlineData("Messaging:Queues:OrdersCommands")]
    [InlineData("Messaging:Topics:OrdersEvents")]
    [InlineData("Messaging:Subscriptions:Notifications")]
    [InlineData("Checkout:Queues:Replies")]
    public void A_setting_that_would_rename_an_entity_stops_the_app_at_start_naming_it(string setting)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(setting, "renamed")]).Build();

        var refused = Assert.Throws<Orderly.Settings.SettingException>(() => new ServiceCollection().AddConsumerPipeline(configuration));

        Assert.StartsWith(setting.Replace(":", "__", StringComparison.Ordinal) + ": is set", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_app_setting_in_bicep_or_a_local_sample_tries_to_rename_an_entity()
    {
        var settings = Repository.FilesUnder("infra/bicep", ".bicep")
            .Concat(Repository.FilesUnder("functions", "local.settings.sample.json"))
            .Concat(Repository.FilesUnder("orchestrations", "local.settings.sample.json"));
        var retired = EntityNameSettings.Retired.Select(s => s.Replace(":", "__", StringComparison.Ordinal)).ToList();

        Assert.All(settings, file => Assert.DoesNotContain(retired, r => File.ReadAllText(file).Contains(r, StringComparison.Ordinal)));
    }

    /// <summary>The entities the context's core keys its handlers on (after its module's registration, as every host calls it).</summary>
    private static IReadOnlyList<string> Receives(string context) =>
        Bindings(context).Select(b => b.Entity).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Where the context's core sends: its events topic, the saga's command queues, and, for a context that handles a
    /// command, the replies queue the command names as its reply-to (the checkout's, stamped on every command it sends).
    /// </summary>
    private static IReadOnlyList<string> Publishes(string context)
    {
        IEnumerable<string> own = context switch
        {
            "orders" => [OrdersMessaging.Contract.EventsTopic],
            "inventory" => [InventoryOptions.Contract.EventsTopic],
            "checkout" => [CheckoutOptions.Queues.Inventory, CheckoutOptions.Queues.Payments, CheckoutOptions.Queues.Shipping, CheckoutOptions.Queues.Orders],
            _ => [],
        };
        var replies = Bindings(context).Any(b => b.Message.Kind == MessageKind.Command) ? [CheckoutOptions.Queues.Replies] : Array.Empty<string>();
        return own.Concat(replies).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<ConsumerBinding> Bindings(string context)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Payments:Provider", "simulated")]).Build();
        _ = context switch
        {
            "orders" => services.AddOrdersContext(configuration),
            "inventory" => services.AddInventoryContext(configuration),
            "payments" => services.AddPaymentsContext(configuration),
            "shipping" => services.AddShippingContext(configuration),
            "notifications" => services.AddNotificationsContext(configuration),
            "checkout" => services.AddCheckoutContext(configuration),
            _ => throw new ArgumentOutOfRangeException(nameof(context), context, null),
        };
        return services.Where(d => d.ServiceType == typeof(ConsumerBinding)).Select(d => (ConsumerBinding)d.ImplementationInstance!).ToList();
    }

    private static string TriggerSource(string context)
    {
        var folder = context == "checkout"
            ? "orchestrations/checkout/Orderly.Checkout.Functions"
            : $"functions/{context}/Orderly.{char.ToUpperInvariant(context[0])}{context[1..]}.Functions";
        return string.Join('\n', Repository.FilesUnder(folder, ".cs").Select(File.ReadAllText));
    }

    /// <summary>The entity a trigger's arguments name: a queue, or a topic and subscription. Only <see cref="Destinations"/> constants count.</summary>
    private static string Entity(string arguments)
    {
        var names = arguments.Split(',', StringSplitOptions.TrimEntries).Select(a => Constants.TryGetValue(a, out var name)
            ? name
            : throw new InvalidOperationException($"'{a}': entity names are contract, so a trigger names its entity by a Destinations constant (no %setting%, no variable)")).ToList();
        return names.Count switch
        {
            1 => names[0],
            2 => EntityPath.Subscription(names[0], names[1]),
            _ => throw new InvalidOperationException($"'{arguments}' is neither a queue nor a topic and subscription"),
        };
    }

    private static string BicepSubscription(string topicSlashSubscription)
    {
        var parts = topicSlashSubscription.Split('/');
        return EntityPath.Subscription(parts[0], parts[1]);
    }

    // Kept to servicebus.bicep's two variables, read as text like MessagingTopologyTests does: the Bicep tests are being reworked.
    private static IReadOnlyList<string> BicepEntities()
    {
        var bicep = Repository.Read("infra/bicep/modules/servicebus.bicep");
        var topics = ((List<object>)BicepLiteral.Variable(bicep, "topics")).Cast<Dictionary<string, object>>().ToList();
        return BicepLiteral.Strings(BicepLiteral.Variable(bicep, "queues"))
            .Concat(topics.Select(t => (string)t["name"]))
            .Concat(topics.SelectMany(t => BicepLiteral.Strings(t["subscriptions"]).Select(s => EntityPath.Subscription((string)t["name"], s))))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<string> EmulatorEntities()
    {
        using var config = JsonDocument.Parse(Repository.Read("infra/emulators/servicebus-config.json"));
        var ns = config.RootElement.GetProperty("UserConfig").GetProperty("Namespaces")[0];
        var topics = ns.GetProperty("Topics").EnumerateArray().ToList();
        return ns.GetProperty("Queues").EnumerateArray().Select(q => q.GetProperty("Name").GetString()!)
            .Concat(topics.Select(t => t.GetProperty("Name").GetString()!))
            .Concat(topics.SelectMany(t => t.GetProperty("Subscriptions").EnumerateArray()
                .Select(s => EntityPath.Subscription(t.GetProperty("Name").GetString()!, s.GetProperty("Name").GetString()!))))
            .Order(StringComparer.Ordinal).ToList();
    }
}
