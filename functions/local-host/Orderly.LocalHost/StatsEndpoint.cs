using System.Diagnostics;
using Orderly.Hosting.Access;
using Orderly.Embedded;
using Orderly.Orchestrations.Durable.AzureStorage;
using Orderly.Orchestrations.Embedded;

namespace Orderly.LocalHost;

/// <summary>
/// <c>GET /api/admin/stats</c>: monotonically growing counters (commits, units of work, messages handled, saga journal
/// entries) that the load benchmark differences over a run to see where the time goes.
/// </summary>
public static class StatsEndpoint
{
    // From the process's start, not from the first call of this endpoint.
    private static readonly DateTime StartedAt = ProcessStart();

    public static readonly ApiRoute Route = new("GetStats", "GET", "/api/admin/stats", RoutePolicy.For(Roles.Operator));

    private static DateTime ProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        return process.StartTime.ToUniversalTime();
    }

    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Route, Get).WithTags("admin")
            .WithSummary("Counters of the embedded runtime: commits, group-commit factor, messages handled, saga steps.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        return routes;
    }

    public static async Task<IResult> Get(HttpRequest request)
    {
        var services = request.HttpContext.RequestServices;
        var database = services.GetRequiredService<SqliteDatabase>();
        var counters = services.GetRequiredService<ShopCounters>();
        var (commits, units) = database.CommitStats;
        var figures = new Dictionary<string, object?>
        {
            ["uptimeSeconds"] = Math.Round((DateTime.UtcNow - StartedAt).TotalSeconds, 1),
            ["commits"] = commits,
            ["unitsOfWork"] = units,
            ["groupCommitFactor"] = commits == 0 ? 0 : Math.Round((double)units / commits, 2),
            ["messagesHandled"] = counters.MessagesHandled,
        };
        if (services.GetService<TaskHubSagaWorker>() is { } worker)
        {
            // The engine's own instance table; it keeps no journal count or concurrency figure of ours.
            var (inFlight, ended) = await worker.CountAsync(request.HttpContext.RequestAborted);
            figures["sagaEngine"] = SagaEngine.AzureStorage;
            figures["sagasFinished"] = ended;
            figures["sagasInFlight"] = inFlight;
            return TypedResults.Ok(figures);
        }
        var runner = services.GetRequiredService<EmbeddedSagaRunner>();
        var (sagaSteps, sagasRunning, sagasFinished) = database.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT (SELECT COALESCE(MAX(seq), 0) FROM saga_journal),
                       (SELECT COUNT(*) FROM saga_instances WHERE status IN ('Running', 'Pending')),
                       (SELECT COUNT(*) FROM saga_instances WHERE status NOT IN ('Running', 'Pending'))
                """;
            using var reader = cmd.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        });
        figures["sagaEngine"] = SagaEngine.Embedded;
        figures["sagaJournalEntries"] = sagaSteps;
        figures["sagasFinished"] = sagasFinished;
        figures["sagasInFlight"] = sagasRunning;
        figures["sagaMaxConcurrency"] = runner.MaxObservedConcurrency;
        return TypedResults.Ok(figures);
    }
}
