using Microsoft.Extensions.Configuration;

namespace Orderly.Payments.Tests;

/// <summary>The circuit's two settings, read from the environment the way the hosts read them; a bad value stops the start.</summary>
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
    public void Unset_the_circuit_opens_after_five_failures_in_a_row_for_thirty_seconds()
    {
        Assert.Equal(new CircuitBreakerOptions(5, TimeSpan.FromSeconds(30)), Read().CircuitBreaker);
    }

    [Theory]
    [InlineData("3", "00:01:00", 3, 60_000)]
    [InlineData("1", "2.5", 1, 2_500)]
    public void The_environment_sets_the_threshold_and_the_break(string threshold, string duration, int expectedThreshold, int expectedMs)
    {
        var options = Read(("Payments__CircuitBreaker__FailureThreshold", threshold), ("Payments__CircuitBreaker__BreakDuration", duration));

        Assert.Equal(new CircuitBreakerOptions(expectedThreshold, TimeSpan.FromMilliseconds(expectedMs)), options.CircuitBreaker);
    }

    [Theory]
    [InlineData("Payments__CircuitBreaker__FailureThreshold", "0", "Payments:CircuitBreaker:FailureThreshold")]
    [InlineData("Payments__CircuitBreaker__FailureThreshold", "-2", "Payments:CircuitBreaker:FailureThreshold")]
    [InlineData("Payments__CircuitBreaker__FailureThreshold", "five", "Payments:CircuitBreaker:FailureThreshold")]
    [InlineData("Payments__CircuitBreaker__BreakDuration", "0", "Payments:CircuitBreaker:BreakDuration")]
    [InlineData("Payments__CircuitBreaker__BreakDuration", "-00:00:30", "Payments:CircuitBreaker:BreakDuration")]
    [InlineData("Payments__CircuitBreaker__BreakDuration", "soon", "Payments:CircuitBreaker:BreakDuration")]
    public void A_bad_value_fails_at_start_naming_the_setting(string variable, string value, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((variable, value)));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }
}
