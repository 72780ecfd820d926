using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Hosting.Access;
using Orderly.Embedded;
using Orderly.Orchestrations.Durable.AzureStorage;
using Orderly.Orchestrations.Embedded;

namespace Orderly.LocalHost;

/// <summary>
/// <c>GET /api/admin/stats</c>: monotonically growing counters (commits, units of work, messages handled, saga journal
/// entries) that the load benchmark differences over a run to see where the time goes, and the process's memory figures
/// that the memory benchmark samples.
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
            .WithSummary("Counters of the embedded runtime: commits, group-commit factor, messages handled, saga steps.");
        return routes;
    }

    public static async Task<Ok<StatsView>> Get(HttpRequest request)
    {
        var services = request.HttpContext.RequestServices;
        var database = services.GetRequiredService<SqliteDatabase>();
        var metrics = services.GetRequiredService<Metrics.MetricsWindow>();
        var (commits, units) = database.CommitStats;
        var figures = new StatsView
        {
            UptimeSeconds = Math.Round((DateTime.UtcNow - StartedAt).TotalSeconds, 1),
            Commits = commits,
            UnitsOfWork = units,
            GroupCommitFactor = commits == 0 ? 0 : Math.Round((double)units / commits, 2),
            MessagesHandled = metrics.MessagesHandled, // the orderly.messages.handled counter, as exported
            Runtime = RuntimeFigures.Read(database.Path),
        };
        if (services.GetService<TaskHubSagaWorker>() is { } worker)
        {
            // The engine's own instance table; it keeps no journal count or concurrency figure of ours.
            var (inFlight, ended) = await worker.CountAsync(request.HttpContext.RequestAborted);
            return TypedResults.Ok(figures with { SagaEngine = SagaEngine.AzureStorage, SagasFinished = ended, SagasInFlight = inFlight });
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
        return TypedResults.Ok(figures with
        {
            SagaEngine = SagaEngine.Embedded,
            SagaJournalEntries = sagaSteps,
            SagasFinished = sagasFinished,
            SagasInFlight = sagasRunning,
            SagaMaxConcurrency = runner.MaxObservedConcurrency,
        });
    }
}

/// <summary>What <c>GET /api/admin/stats</c> answers; the journal and concurrency figures only on the embedded saga engine.</summary>
public sealed record StatsView
{
    public required double UptimeSeconds { get; init; }
    public required long Commits { get; init; }
    public required long UnitsOfWork { get; init; }
    public required double GroupCommitFactor { get; init; }
    public required long MessagesHandled { get; init; }

    /// <summary>Memory (working set, GC heap after the last collection and the last gen2), threads and the database's size.</summary>
    public required RuntimeFigures Runtime { get; init; }

    /// <summary>Embedded or AzureStorage (Sagas__Engine).</summary>
    public string SagaEngine { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SagaJournalEntries { get; init; }

    public long SagasFinished { get; init; }
    public long SagasInFlight { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SagaMaxConcurrency { get; init; }
}
