using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Hosting;
using Orderly.Resilience;

namespace Orderly.Resilience.Tests;

/// <summary>Each loop tells health how it is doing; health names the failing one, degraded at first, unhealthy if it lasts.</summary>
public sealed class LoopHealthTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly Clock _clock = new();

    private async Task<HealthCheckResult> CheckAsync(BackgroundLoops loops, string? unhealthyAfter = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Health:LoopUnhealthyAfter"] = unhealthyAfter }).Build();
        return await new BackgroundLoopsHealthCheck(loops, _clock, configuration).CheckHealthAsync(new HealthCheckContext());
    }

    [Fact]
    public async Task Running_loops_are_healthy()
    {
        var loops = new BackgroundLoops(_clock);
        loops.For("consumer orders-commands").Succeeded();
        loops.For("outbox relay orders").Succeeded();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(loops)).Status);
    }

    [Fact]
    public async Task A_failing_loop_degrades_health_naming_it_then_makes_it_unhealthy_after_the_configured_time_and_heals()
    {
        var loops = new BackgroundLoops(_clock);
        loops.For("outbox relay orders").Succeeded();
        var consumer = loops.For("consumer payments-commands");
        consumer.Failed(new IOException("disk I/O error"));

        var degraded = await CheckAsync(loops, "00:00:30");
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("consumer payments-commands (IOException: disk I/O error)", degraded.Description, StringComparison.Ordinal);

        _clock.Now += TimeSpan.FromSeconds(31);
        consumer.Failed(new IOException("disk I/O error"));
        var unhealthy = await CheckAsync(loops, "00:00:30");
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.StartsWith("consumer payments-commands has failed for over 30 s", unhealthy.Description, StringComparison.Ordinal);
        Assert.Equal(2, consumer.State.Failures);

        consumer.Succeeded();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(loops, "00:00:30")).Status);
    }

    [Fact]
    public void Each_failure_in_a_row_waits_longer()
    {
        var loop = new BackgroundLoops(_clock).For("saga timers");
        var rule = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        var first = loop.Failed(new InvalidOperationException("x"), rule);
        loop.Failed(new InvalidOperationException("x"), rule);
        var third = loop.Failed(new InvalidOperationException("x"), rule);
        Assert.InRange(first.TotalMilliseconds, 50, 100);
        Assert.InRange(third.TotalMilliseconds, 200, 400);
    }
}
