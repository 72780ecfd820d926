using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>Each app's identity reaches only its own queues, subscriptions, topic and container, one entity at a time.</summary>
public sealed class LeastPrivilegeTests
{
    private const string Checkout = "checkout";
    private static readonly IReadOnlyList<BicepApp> Apps = BicepApp.All();
    private static readonly string[] BaseCommandQueues = ["orders-commands", "inventory-commands", "payments-commands", "shipping-commands"];

    [Fact]
    public void Apps_read_only_their_own_queue_and_subscriptions()
    {
        Assert.All(Apps, app =>
        {
            var ownQueue = app.Name == Checkout ? "checkout-replies" : $"{app.Name}-commands";
            Assert.All(app.ReceiveQueues, q => Assert.Equal(ownQueue, q));
            // A subscription belongs to the app it is named for: orders-events/orders-read-model is the orders app's.
            Assert.All(app.ReceiveSubscriptions, path =>
            {
                var subscription = path.Split('/')[1];
                Assert.True(subscription == app.Name || subscription.StartsWith(app.Name + "-", StringComparison.Ordinal),
                    $"{app.Name} reads {path}, which is named for another context");
            });
        });
    }

    [Fact]
    public void Apps_publish_only_to_their_own_topic()
    {
        Assert.All(Apps, app => Assert.All(app.SendTopics, t => Assert.Equal($"{app.Name}-events", t)));
    }

    [Fact]
    public void Base_contexts_send_only_replies_and_only_the_saga_sends_commands()
    {
        Assert.All(Apps.Where(a => a.Name != Checkout), app => Assert.All(app.SendQueues, q => Assert.Equal("checkout-replies", q)));
        var saga = Assert.Single(Apps, a => a.Name == Checkout);
        Assert.Equal(BaseCommandQueues.Order(), saga.SendQueues.Order());
    }

    [Fact]
    public void Each_app_gets_its_own_container_and_the_leases_container_only()
    {
        Assert.All(Apps, a => Assert.Equal(a.Name, a.Container));
        Assert.Equal(Apps.Count, Apps.Select(a => a.Container).Distinct().Count());
        Assert.Contains("containers: [ app.container, 'leases' ]", Repository.Read(BicepApp.MainBicep));
        var access = Repository.Read("infra/bicep/modules/cosmos-access.bicep");
        Assert.Contains("scope: '${account.id}/dbs/${databaseName}/colls/${container}'", access);
        Assert.Single(Regex.Matches(access, @"(?m)^\s*scope:"));
    }

    [Fact]
    public void Service_bus_roles_are_scoped_to_single_entities_never_the_namespace()
    {
        var access = Repository.Read("infra/bicep/modules/servicebus-access.bicep");
        var entityTypes = new Dictionary<string, string>
        {
            ["readQueues"] = "namespaces/queues@",
            ["readSubscriptions"] = "namespaces/topics/subscriptions@",
            ["targetQueues"] = "namespaces/queues@",
            ["targetTopics"] = "namespaces/topics@",
        };
        foreach (var (symbol, type) in entityTypes)
            Assert.Matches(new Regex($@"resource {symbol} 'Microsoft\.ServiceBus/{Regex.Escape(type)}[^']*' existing"), access);

        var assignments = Regex.Matches(access, @"resource \w+ 'Microsoft\.Authorization/roleAssignments@[^']+'");
        var scopes = Regex.Matches(access, @"(?m)^\s*scope: (\w+)\[i\]\s*$").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(5, assignments.Count);
        Assert.Equal(assignments.Count, scopes.Count);
        Assert.All(scopes, s => Assert.Contains(s, entityTypes.Keys));
        Assert.DoesNotMatch(@"scope:\s*(namespace|resourceGroup\(\))", access);
    }

    [Fact]
    public void No_app_module_grants_data_roles_on_a_whole_account_or_namespace()
    {
        // Only the developer's own (optional) module may grant namespace- or account-wide data access.
        var appModules = Repository.FilesUnder("infra/bicep", ".bicep")
            .Where(f => !f.EndsWith("developer-access.bicep", StringComparison.Ordinal));
        foreach (var file in appModules)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(@"(?m)scope:\s*(namespace|account\.id|cosmos\.id)\s*$", text);
            Assert.DoesNotContain("090c5cfd-751d-490a-894a-3ce6f1109419", text); // Service Bus Data Owner
        }
        Assert.Contains("if (!empty(principalId))", Repository.Read(BicepApp.MainBicep));
    }
}
