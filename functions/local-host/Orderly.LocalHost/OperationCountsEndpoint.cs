using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Hosting.Access;
using Orderly.Hosting.OperationCounting;

namespace Orderly.LocalHost;

/// <summary>
/// <c>GET /api/admin/operations</c>: every billable operation counted since the start (Cosmos DB requests with their published
/// request units, Service Bus operations, Function executions with their seconds), by name. The cost benchmark differences two
/// reads around its checkouts.
/// </summary>
public static class OperationCountsEndpoint
{
    public static readonly ApiRoute Route = new("GetOperationCounts", "GET", "/api/admin/operations", RoutePolicy.For(Roles.Operator));

    public static IEndpointRouteBuilder MapOperationCounts(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Route, (OperationCounts counts) => Get(counts)).WithTags("admin")
            .WithSummary("Billable operations counted at the ports (store, broker, outbox feed) since the start, for the cost benchmark.");
        return routes;
    }

    private static Ok<IReadOnlyDictionary<string, OperationTally>> Get(OperationCounts counts) => TypedResults.Ok(counts.Snapshot());
}
