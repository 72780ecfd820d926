using Orderly.Infrastructure.Tests.Arm;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// Zero trust as Azure would deploy it, read from the compiled template with every loop, module parameter and resource id
/// evaluated: each app runs as its own identity, that identity holds roles only on its own queues, subscriptions, topics
/// and container (plus what the Functions runtime needs), and no service accepts keys.
/// </summary>
public sealed class CompiledAccessTests
{
    private const string Database = "orderly";

    private static ArmDeployment Deployment => CompiledTemplate.Deployment;

    private static IReadOnlyList<CompiledApp> Apps => CompiledApp.All(Deployment);

    private static string IdOf(string type) => Assert.Single(Deployment.OfType(type)).Id;

    private const string Operations = "operations";
    private static readonly string[] AllContexts = ["orders", "inventory", "payments", "shipping", "notifications", "checkout"];
    private static readonly string[] Connections = ["ServiceBusConnection", "CosmosDBConnection", "AzureWebJobsStorage"];
    private static readonly string[] RuntimeStorageRoles = [Grant.StorageBlobDataOwner, Grant.StorageQueueDataContributor, Grant.StorageTableDataContributor];

    public static TheoryData<string> Contexts() => new(AllContexts);

    [CompiledFact]
    public void Every_app_runs_as_its_own_user_assigned_identity_and_every_connection_names_it()
    {
        Assert.Equal(AllContexts.Append(Operations).Order(), Apps.Select(a => a.Name).Order());
        Assert.Equal(Apps.Count, Apps.Select(a => a.Identity.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Apps, app =>
        {
            Assert.Equal("UserAssigned", app.Site.At("identity.type"));
            Assert.StartsWith($"id-{app.Name}-", app.Identity.Name, StringComparison.Ordinal);
            var settings = app.Settings(Deployment);
            foreach (var connection in Connections)
            {
                Assert.Equal("managedidentity", settings[$"{connection}__credential"]);
                Assert.Equal(app.ClientId, settings[$"{connection}__clientId"]);
            }
            Assert.Equal(app.ClientId, settings["AZURE_CLIENT_ID"]);
            Assert.Equal($"ClientId={app.ClientId};Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
            // Flex pulls its deployment package with the same identity, never a storage key.
            Assert.Equal("UserAssignedIdentity", app.Site.At("properties.functionAppConfig.deployment.storage.authentication.type"));
            Assert.Equal(app.Identity.Id, app.Site.At("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
        });
    }

    [CompiledTheory]
    [MemberData(nameof(Contexts))]
    public void An_apps_identity_holds_roles_only_on_its_own_entities_and_container_and_what_the_runtime_needs(string context)
    {
        var app = Assert.Single(Apps, a => a.Name == context);
        var declared = Assert.Single(BicepApp.All(), a => a.Name == context);
        var ns = IdOf("Microsoft.ServiceBus/namespaces");
        var account = IdOf("Microsoft.DocumentDB/databaseAccounts");
        string Queue(string q) => $"{ns}/queues/{q}";
        string Topic(string t) => $"{ns}/topics/{t}";
        string Subscription(string path) => $"{ns}/topics/{path.Split('/')[0]}/subscriptions/{path.Split('/')[1]}";

        var expected = new HashSet<(string Scope, string Role)>();
        foreach (var q in declared.ReceiveQueues)
        {
            expected.Add((Queue(q), Grant.ServiceBusDataReceiver));
            expected.Add((Queue(q), Grant.ServiceBusDataSender)); // the scheduled retry copy goes back onto the queue it came from
        }
        foreach (var s in declared.ReceiveSubscriptions) expected.Add((Subscription(s), Grant.ServiceBusDataReceiver));
        foreach (var q in declared.SendQueues) expected.Add((Queue(q), Grant.ServiceBusDataSender));
        foreach (var t in declared.SendTopics) expected.Add((Topic(t), Grant.ServiceBusDataSender));
        foreach (var container in new[] { declared.Container, "leases" })
            expected.Add(($"{account}/dbs/{Database}/colls/{container}", Grant.CosmosDataContributor));
        var storage = IdOf("Microsoft.Storage/storageAccounts");
        foreach (var role in RuntimeStorageRoles)
            expected.Add((storage, role)); // the Functions runtime's own account: host locks, timers, the Durable task hub
        expected.Add((IdOf("Microsoft.Insights/components"), Grant.MonitoringMetricsPublisher));

        var held = Grant.All(Deployment).Where(g => g.Is(app.PrincipalId)).ToList();
        Assert.Equal(expected.OrderBy(e => e), held.Select(g => (g.Scope, g.Role)).Distinct().OrderBy(e => e));
        // Each Service Bus scope is an entity the template creates, never the namespace itself.
        var entities = Deployment.Resources.Where(r => r.Type.StartsWith("Microsoft.ServiceBus/namespaces/", StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(held.Where(g => g.Scope.StartsWith(ns, StringComparison.OrdinalIgnoreCase)), g => Assert.Contains(g.Scope, entities));
        Assert.All(held.Where(g => g.Resource.Type == "Microsoft.Authorization/roleAssignments"),
            g => Assert.Equal("ServicePrincipal", g.Resource.At("properties.principalType")));
    }

    /// <summary>
    /// The operations app triages every dead letter: it may receive from every queue and subscription (their dead-letter
    /// sub-queues have no role of their own) and send a resubmitted copy to every queue and topic, one entity at a time, never
    /// with Manage; it reads the namespace's metrics for the console's depths (Monitoring Reader, no data); its triage notes
    /// live in its own container, and it reads no other.
    /// </summary>
    [CompiledFact]
    public void The_operations_identity_receives_from_every_entity_sends_to_every_queue_and_topic_and_writes_only_its_own_container()
    {
        var app = Assert.Single(Apps, a => a.Name == Operations);
        var account = IdOf("Microsoft.DocumentDB/databaseAccounts");
        string[] Ids(string type) => Deployment.OfType(type).Select(r => r.Id).ToArray();
        var queues = Ids("Microsoft.ServiceBus/namespaces/queues");
        var subscriptions = Ids("Microsoft.ServiceBus/namespaces/topics/subscriptions");
        var topics = Ids("Microsoft.ServiceBus/namespaces/topics");
        Assert.Equal(5, queues.Length);
        Assert.Equal(4, subscriptions.Length);

        var expected = new HashSet<(string Scope, string Role)>();
        foreach (var q in queues) expected.UnionWith([(q, Grant.ServiceBusDataReceiver), (q, Grant.ServiceBusDataSender)]);
        foreach (var s in subscriptions) expected.Add((s, Grant.ServiceBusDataReceiver));
        foreach (var t in topics) expected.Add((t, Grant.ServiceBusDataSender));
        expected.Add(($"{account}/dbs/{Database}/colls/{BicepApp.Operations().Container}", Grant.CosmosDataContributor));
        expected.Add((IdOf("Microsoft.ServiceBus/namespaces"), Grant.MonitoringReader));
        foreach (var role in RuntimeStorageRoles) expected.Add((IdOf("Microsoft.Storage/storageAccounts"), role));
        expected.Add((IdOf("Microsoft.Insights/components"), Grant.MonitoringMetricsPublisher));

        var held = Grant.All(Deployment).Where(g => g.Is(app.PrincipalId)).Select(g => (g.Scope, g.Role)).Distinct();
        Assert.Equal(expected.OrderBy(e => e), held.OrderBy(e => e));
    }

    [CompiledFact]
    public void The_operations_console_links_traces_to_the_application_insights_the_apps_send_to()
    {
        var settings = Assert.Single(Apps, a => a.Name == Operations).Settings(Deployment);
        Assert.Equal(IdOf("Microsoft.Insights/components"), settings["Console__AppInsightsResourceId"]);
        // The namespace whose metrics give the console its queue depths, read with the Monitoring Reader role above.
        Assert.Equal(IdOf("Microsoft.ServiceBus/namespaces"), settings["Operations__ServiceBusNamespaceId"]);
        Assert.Equal("true", settings["AzureWebJobsDisableHomepage"]);
    }

    /// <summary>
    /// Besides the developer, only the operations app holds a role on a whole namespace: Monitoring Reader on Service Bus, which
    /// reads metrics and settings, no message.
    /// </summary>
    [CompiledFact]
    public void Only_the_developers_own_principal_holds_a_data_role_on_a_whole_namespace_or_account()
    {
        var wide = new[] { IdOf("Microsoft.ServiceBus/namespaces"), IdOf("Microsoft.DocumentDB/databaseAccounts") };
        var developer = CompiledTemplate.Parameters()["principalId"];
        var operations = Assert.Single(Apps, a => a.Name == Operations).PrincipalId;
        var grants = Grant.All(Deployment);
        Assert.Contains(grants, g => g.Is(developer));
        var onWhole = grants.Where(g => wide.Contains(g.Scope, StringComparer.OrdinalIgnoreCase)).ToList();
        var metricsOnly = Assert.Single(onWhole, g => !g.Is(developer));
        Assert.True(metricsOnly.Is(operations) && metricsOnly.Role == Grant.MonitoringReader && metricsOnly.Scope == wide[0],
            $"{metricsOnly.Resource} grants {metricsOnly.Role} on {metricsOnly.Scope}");
        Assert.DoesNotContain(grants, g => g.Role == Grant.ServiceBusDataOwner && !g.Is(developer));
    }

    /// <summary>
    /// Least privilege over exact scaling: with Receiver only, the scale controller cannot read message counts (that needs
    /// Manage, i.e. Data Owner) and scales on the first peeked message instead (Azure/Azure-Functions #2379); no app
    /// identity may be given Manage to change that, since Manage also reconfigures and deletes entities.
    /// </summary>
    [CompiledFact]
    public void No_app_identity_holds_manage_rights_on_service_bus_even_for_scaling()
    {
        var apps = Apps.Select(a => a.PrincipalId).ToList();
        var manage = Grant.All(Deployment).Where(g => g.Role == Grant.ServiceBusDataOwner && apps.Any(g.Is)).ToList();
        Assert.Empty(manage);
        Assert.All(Apps, app => Assert.Contains(Grant.All(Deployment), g => g.Is(app.PrincipalId) && g.Role == Grant.ServiceBusDataReceiver));
    }

    [CompiledFact]
    public void Every_service_that_would_take_a_key_has_local_auth_off()
    {
        Assert.All(NonEmpty("Microsoft.DocumentDB/databaseAccounts"), r => Assert.Equal(true, r.At("properties.disableLocalAuth")));
        Assert.All(NonEmpty("Microsoft.ServiceBus/namespaces"), r => Assert.Equal(true, r.At("properties.disableLocalAuth")));
        Assert.All(NonEmpty("Microsoft.Storage/storageAccounts"), r => Assert.Equal(false, r.At("properties.allowSharedKeyAccess")));
        Assert.All(NonEmpty("Microsoft.Insights/components"), r => Assert.Equal(true, r.At("properties.DisableLocalAuth")));
    }

    private static IReadOnlyList<ArmResource> NonEmpty(string type)
    {
        var resources = Deployment.OfType(type).ToList();
        Assert.NotEmpty(resources);
        return resources;
    }
}
