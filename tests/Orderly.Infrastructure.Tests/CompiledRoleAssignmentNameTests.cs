using Orderly.Infrastructure.Tests.Arm;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// A role assignment's name is its identity in ARM: two in one deployment with the same name are one resource written
/// twice. And Azure holds one assignment per scope, principal and role: a second under another name fails with
/// RoleAssignmentExists. So names are distinct exactly when those triples are, and both must be.
/// </summary>
public sealed class CompiledRoleAssignmentNameTests
{
    [CompiledFact]
    public void Every_role_assignment_of_the_deployed_apps_has_its_own_name_and_its_own_scope_principal_and_role()
    {
        var assignments = CompiledTemplate.Deployment.OfType("Microsoft.Authorization/roleAssignments").ToList();
        Assert.NotEmpty(assignments);
        AssertDistinct(assignments);
        AssertDistinct(CompiledTemplate.Deployment.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").ToList());
    }

    /// <summary>No app today sends to a queue it also reads; the module must stay right for one that does.</summary>
    [CompiledFact]
    public void An_app_that_reads_and_sends_the_same_queue_gets_one_sender_assignment_on_it()
    {
        var parameters = new Dictionary<string, object?>
        {
            ["namespaceName"] = "sb-test",
            ["principalId"] = "44444444-4444-4444-4444-444444444444",
            ["receiveQueues"] = new List<object?> { "orders-commands" },
            ["receiveSubscriptions"] = new List<object?> { "orders-events/orders-read-model" },
            ["sendQueues"] = new List<object?> { "orders-commands", "checkout-replies" },
            ["sendTopics"] = new List<object?> { "orders-events" },
        };
        var module = ArmDeployment.Deploy(CompiledTemplate.Module("sb-access-"), parameters, resourceGroup: "rg-test");
        var assignments = module.OfType("Microsoft.Authorization/roleAssignments").ToList();
        AssertDistinct(assignments);
        // Receiver on the queue and the subscription; Sender on the two queues and the topic.
        Assert.Equal(5, assignments.Count);
    }

    private static void AssertDistinct(IReadOnlyList<ArmResource> assignments)
    {
        var names = assignments.GroupBy(a => a.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(names.Count == 0, $"role assignments sharing a name: {string.Join(", ", names)}");
        var triples = assignments
            .GroupBy(a => ArmValues.Json(new List<object?> { a.Has("scope") ? a.At("scope") : a.At("properties.scope"), a.At("properties.principalId"), a.At("properties.roleDefinitionId") }))
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(triples.Count == 0, $"the same role granted twice on one scope: {string.Join(", ", triples)}");
    }
}
