using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Hosting.Access;

namespace Orderly.LocalHost.Metrics;

/// <summary>
/// <c>GET /api/admin/metrics</c>: what the console plots, from the Orderly meter (<see cref="MetricsWindow"/>): the last 15
/// minutes in 10-second buckets, and each queue and subscription's depth now.
/// </summary>
public static class MetricsEndpoint
{
    public static readonly ApiRoute Route = new("GetMetrics", "GET", "/api/admin/metrics", RoutePolicy.For(Roles.Operator));

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Route, Get).WithTags("admin")
            .WithSummary("The last 15 minutes in 10-second buckets (orders placed, checkouts by outcome, step latency percentiles) and queue depths now.");
        return routes;
    }

    public static Ok<MetricsView> Get(MetricsWindow window) =>
        TypedResults.Ok(new MetricsView((int)MetricsWindow.BucketLength.TotalSeconds, window.Buckets(), window.Depths()));
}

/// <summary>What <c>GET /api/admin/metrics</c> answers.</summary>
/// <param name="BucketSeconds">The length of a bucket in seconds (10).</param>
/// <param name="Buckets">The last 15 minutes, oldest first; the last bucket is the current one, still filling.</param>
/// <param name="Depths">Every queue and subscription, now.</param>
public sealed record MetricsView(int BucketSeconds, IReadOnlyList<MetricsBucket> Buckets, IReadOnlyList<EntityDepthView> Depths);

/// <summary>What happened in one bucket.</summary>
/// <param name="At">When the bucket starts (UTC).</param>
/// <param name="StepLatencyMs">Percentiles of the saga steps that finished in the bucket (absent when none did).</param>
public sealed record MetricsBucket(
    DateTimeOffset At,
    long OrdersPlaced,
    long CheckoutsCompleted,
    long CheckoutsCompensated,
    long CheckoutsFailed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LatencyPercentiles? StepLatencyMs);

/// <summary>Step latency percentiles in milliseconds (within 2.5%).</summary>
public sealed record LatencyPercentiles(double P50, double P95, double P99);

/// <summary>A queue or subscription: messages in it (visible, scheduled or locked) and dead letters awaiting triage.</summary>
public sealed record EntityDepthView(string Entity, long Active, long DeadLettered);
