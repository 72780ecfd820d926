using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Resilience;
using Orderly.Settings;

namespace Orderly.Hosting;

/// <summary>
/// Every background loop, named: Healthy while all run; Degraded while one is retrying after a fault; Unhealthy (503) once one
/// has failed for longer than <c>Health:LoopUnhealthyAfter</c> (default 60 s), so an orchestrator restarts the host.
/// </summary>
public sealed class BackgroundLoopsHealthCheck(BackgroundLoops loops, TimeProvider time, IConfiguration configuration) : IHealthCheck
{
    public static readonly TimeSpan DefaultUnhealthyAfter = TimeSpan.FromSeconds(60);

    // Read once, when the check is built (the local host builds it before it starts), so a bad value stops the start.
    private readonly TimeSpan _unhealthyAfter = configuration.ReadDuration("Health:LoopUnhealthyAfter", DefaultUnhealthyAfter);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = loops.Snapshot();
        var failing = states.Where(s => s.IsFailing).ToList();
        var data = states.ToDictionary(s => s.Name, s => (object)(s.IsFailing
            ? new { state = "retrying", since = s.FailingSince, failures = s.Failures, lastError = s.LastError }
            : new { state = "running", since = (DateTimeOffset?)null, failures = 0, lastError = (string?)null }));
        if (failing.Count == 0) return Task.FromResult(HealthCheckResult.Healthy($"{states.Count} loops running", data));

        var now = time.GetUtcNow();
        var longest = failing.MaxBy(s => now - s.FailingSince!.Value)!;
        var description = $"retrying: {string.Join(", ", failing.Select(s => $"{s.Name} ({s.LastError})"))}";
        return Task.FromResult(now - longest.FailingSince!.Value >= _unhealthyAfter
            ? HealthCheckResult.Unhealthy($"{longest.Name} has failed for over {_unhealthyAfter.TotalSeconds:0} s; {description}", data: data)
            : HealthCheckResult.Degraded(description, data: data));
    }
}
