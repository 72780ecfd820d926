using Orderly.Infrastructure.Tests.Arm;

namespace Orderly.Infrastructure.Tests;

/// <summary>What ARM may run at the same time in the compiled template, where Azure refuses concurrency.</summary>
public sealed class CompiledScheduleTests
{
    /// <summary>
    /// Cosmos DB takes one role-assignment write per account at a time and refuses the others with 412 "There is another
    /// user operation in progress which requires an exclusive lock" (hashicorp/terraform-provider-azurerm #15842, #17233).
    /// ARM runs a loop in parallel unless it is serial, and modules side by side unless one depends on the other.
    /// </summary>
    [CompiledFact]
    public void No_two_cosmos_role_assignment_writes_can_run_at_the_same_time()
    {
        var deployment = CompiledTemplate.Deployment;
        var writes = deployment.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").ToList();
        // Six apps with their own container and leases each, the operations app on its own container, and the developer's.
        Assert.Equal(14, writes.Count);
        var concurrent = (from a in writes
                          from b in writes
                          where string.CompareOrdinal(a.Id, b.Id) < 0 && !deployment.RunsBefore(a, b) && !deployment.RunsBefore(b, a)
                          select $"{a} | {b}").ToList();
        Assert.True(concurrent.Count == 0, $"{concurrent.Count} pairs may run at once, e.g. {concurrent.FirstOrDefault()}");
    }

    [CompiledFact]
    public void The_schedule_sees_a_parallel_loop_as_concurrent_and_a_dependency_as_ordered()
    {
        var deployment = CompiledTemplate.Deployment;
        var apps = deployment.OfType("Microsoft.Resources/deployments").Where(d => d.Name.StartsWith("app-", StringComparison.Ordinal)).ToList();
        Assert.False(deployment.RunsBefore(apps[0], apps[1]) || deployment.RunsBefore(apps[1], apps[0]), "the app modules are a parallel loop");
        var ordersSite = Assert.Single(deployment.OfType("Microsoft.Web/sites"), s => s.Name.StartsWith("func-orders-", StringComparison.Ordinal));
        var ordersAccess = Assert.Single(deployment.OfType("Microsoft.Resources/deployments"), d => d.Name == "sb-access-orders");
        Assert.True(deployment.RunsBefore(ordersSite, ordersAccess), "sb-access-orders reads the app module's output, so it waits for all of it");
    }
}
