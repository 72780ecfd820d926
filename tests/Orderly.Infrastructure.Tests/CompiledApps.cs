using Orderly.Infrastructure.Tests.Arm;

namespace Orderly.Infrastructure.Tests;

/// <summary>One Function App as the compiled template deploys it: its site, its identity, and what that identity is called at runtime.</summary>
internal sealed record CompiledApp(string Name, ArmResource Site, ArmResource Identity)
{
    public object PrincipalId => new ArmRuntime($"reference({Identity.Id})").Get("principalId");

    public object ClientId => new ArmRuntime($"reference({Identity.Id})").Get("clientId");

    /// <summary>The site's app settings (Microsoft.Web/sites/config 'appsettings'), evaluated.</summary>
    public Dictionary<string, object?> Settings(ArmDeployment deployment) =>
        (Dictionary<string, object?>)deployment.OfType("Microsoft.Web/sites/config").Single(c => c.Name == $"{Site.Name}/appsettings").At("properties")!;

    /// <summary>Every site of the deployment, by its azd-service-name tag.</summary>
    public static IReadOnlyList<CompiledApp> All(ArmDeployment deployment) => deployment.OfType("Microsoft.Web/sites").Select(site =>
    {
        var identities = (Dictionary<string, object?>)site.At("identity.userAssignedIdentities")!;
        var identityId = Assert.Single(identities.Keys);
        var identity = deployment.OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Single(i => string.Equals(i.Id, identityId, StringComparison.OrdinalIgnoreCase));
        return new CompiledApp((string)site.At("tags.azd-service-name")!, site, identity);
    }).ToList();
}

/// <summary>Role assignments of a compiled deployment: Azure RBAC ones and Cosmos DB's data-plane sqlRoleAssignments alike.</summary>
internal sealed record Grant(object? Principal, string Scope, string Role, ArmResource Resource)
{
    public const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    public const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    public const string ServiceBusDataOwner = "090c5cfd-751d-490a-894a-3ce6f1109419";
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    public const string MonitoringReader = "43d0d8ad-25c7-4714-9337-8ba259a9fe05";
    public const string CosmosDataContributor = "00000000-0000-0000-0000-000000000002";

    public static IReadOnlyList<Grant> All(ArmDeployment deployment) =>
        deployment.OfType("Microsoft.Authorization/roleAssignments")
            .Select(r => new Grant(r.At("properties.principalId"), (string)r.At("scope")!, Last((string)r.At("properties.roleDefinitionId")!), r))
            .Concat(deployment.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")
                .Select(r => new Grant(r.At("properties.principalId"), (string)r.At("properties.scope")!, Last((string)r.At("properties.roleDefinitionId")!), r)))
            .ToList();

    public static string Last(string id) => id.Split('/')[^1];

    public bool Is(object? principal) => ArmValues.Same(Principal, principal);
}
