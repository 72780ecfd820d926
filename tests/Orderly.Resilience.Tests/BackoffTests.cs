using Orderly.Resilience;

namespace Orderly.Resilience.Tests;

/// <summary>The one retry delay: doubling from the first, capped, jittered within the upper half.</summary>
public sealed class BackoffTests
{
    private static readonly Backoff Rule = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(5, 1600)]
    [InlineData(6, 2000)] // capped
    [InlineData(1000, 2000)]
    public void The_delay_doubles_per_failure_up_to_the_cap_and_stays_within_its_upper_half(int failures, int fullMs)
    {
        for (var i = 0; i < 200; i++)
            Assert.InRange(Rule.After(failures).TotalMilliseconds, fullMs / 2.0, fullMs);
    }

    [Fact]
    public void Delays_are_spread_so_loops_that_failed_together_do_not_retry_together()
    {
        var delays = Enumerable.Range(0, 50).Select(_ => Rule.After(3)).Distinct().Count();
        Assert.True(delays > 10, $"only {delays} distinct delays in 50");
    }
}
