using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.Payments.Tests;

/// <summary>The provider edge's settings, read from the environment the way the hosts read them; a bad value stops the start.</summary>
public sealed class ProviderCircuitSettings
{
    private static PaymentsOptions Read(params (string Name, string Value)[] environment)
    {
        var prefix = "ORDERLY_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        environment = [("Payments__Provider", "simulated"), .. environment];
        foreach (var (name, value) in environment) Environment.SetEnvironmentVariable(prefix + name, value);
        try
        {
            return PaymentsOptions.From(new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build());
        }
        finally
        {
            foreach (var (name, _) in environment) Environment.SetEnvironmentVariable(prefix + name, null);
        }
    }

    [Fact]
    public void Unset_the_circuit_opens_when_half_of_at_least_five_payments_fail_within_thirty_seconds_for_thirty_seconds()
    {
        var options = Read();

        Assert.Equal(new CircuitBreakerOptions(0.5, 5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)), options.CircuitBreaker);
        Assert.Equal(2, options.ProviderRetries);
    }

    [Theory]
    [InlineData("0.8", "3", "00:01:00", "2.5", 0.8, 3, 60_000, 2_500)]
    [InlineData("1", "2", "0.5", "0.5", 1.0, 2, 500, 500)]
    public void The_environment_sets_the_ratio_the_throughput_the_window_and_the_break(
        string ratio, string throughput, string window, string duration, double expectedRatio, int expectedThroughput, int expectedWindowMs, int expectedBreakMs)
    {
        var options = Read(("Payments__CircuitBreaker__FailureRatio", ratio), ("Payments__CircuitBreaker__MinimumThroughput", throughput),
            ("Payments__CircuitBreaker__SamplingDuration", window), ("Payments__CircuitBreaker__BreakDuration", duration));

        Assert.Equal(new CircuitBreakerOptions(expectedRatio, expectedThroughput, TimeSpan.FromMilliseconds(expectedWindowMs), TimeSpan.FromMilliseconds(expectedBreakMs)),
            options.CircuitBreaker);
    }

    [Theory]
    [InlineData("Payments__CircuitBreaker__FailureRatio", "0")]
    [InlineData("Payments__CircuitBreaker__FailureRatio", "1.5")]
    [InlineData("Payments__CircuitBreaker__MinimumThroughput", "1")]
    [InlineData("Payments__CircuitBreaker__MinimumThroughput", "five")]
    [InlineData("Payments__CircuitBreaker__SamplingDuration", "0.1")]
    [InlineData("Payments__CircuitBreaker__BreakDuration", "0")]
    [InlineData("Payments__CircuitBreaker__BreakDuration", "-00:00:30")]
    [InlineData("Payments__CircuitBreaker__BreakDuration", "soon")]
    [InlineData("Payments__ProviderRetries", "-1")]
    public void A_bad_value_fails_at_start_naming_the_setting(string variable, string value)
    {
        var error = Assert.Throws<SettingException>(() => Read((variable, value)));

        Assert.Equal(variable, error.Setting);
        Assert.StartsWith($"{variable}='{value}' is not", error.Message, StringComparison.Ordinal);
    }
}
