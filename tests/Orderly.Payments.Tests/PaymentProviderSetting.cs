using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Payments.Provider;
using Orderly.Settings;
using Orderly.Storage;

namespace Orderly.Payments.Tests;

/// <summary>
/// <c>Payments:Provider</c> has no default: an app that was never told which provider takes the money refuses to start, so
/// a deployment cannot charge nothing with the simulated provider by accident. Development-only hosts opt in to it.
/// </summary>
public sealed class PaymentProviderSetting
{
    private static IConfiguration Config(string? provider) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [PaymentProviders.Setting] = provider }).Build();

    private static SettingException Refusal(IConfiguration configuration) =>
        Assert.Throws<SettingException>(() => new ServiceCollection().AddLogging().AddPaymentsContext(configuration));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_a_provider_the_module_refuses_to_start_naming_the_setting_and_the_allowed_values(string? provider)
    {
        var error = Refusal(Config(provider));

        Assert.Contains("Payments__Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("one of: simulated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stripe")]
    [InlineData("simulate")]
    [InlineData("simulated,stripe")]
    public void An_unknown_provider_refuses_to_start_naming_the_value_and_the_allowed_ones(string provider)
    {
        var error = Refusal(Config(provider));

        Assert.Contains("Payments__Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{provider}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed: simulated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_app_setting_Payments__Provider_is_the_setting_the_module_reads()
    {
        var prefix = "ORDERLY_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + PaymentProviders.EnvironmentVariable, " Simulated ");
        try
        {
            var options = PaymentsOptions.From(new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build());
            Assert.Equal(PaymentProviders.Simulated, options.Provider);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + PaymentProviders.EnvironmentVariable, null);
        }
    }

    [Fact]
    public async Task With_the_simulated_provider_the_app_starts_and_says_so_in_its_health()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration[PaymentProviders.Setting] = "simulated";
        await using var h = new PaymentsHarness();
        builder.Services.AddPaymentsContext(builder.Configuration);
        builder.Services.AddKeyedSingleton<IDocumentStore>(PaymentsModule.Name, h.Store);
        await using var app = builder.Build();
        app.MapPaymentsApi();

        await app.StartAsync();

        Assert.IsType<SimulatedPaymentProvider>(app.Services.GetRequiredKeyedService<IPaymentProvider>(PaymentsModule.Name));
        var health = (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[PaymentProviderHealthCheck.Name];
        Assert.Equal("simulated", health.Data["provider"]);
        await app.StopAsync();
    }

    [Fact]
    public void A_development_host_defaults_to_simulated_when_nothing_is_set()
    {
        var builder = WebApplication.CreateSlimBuilder();

        PaymentProviders.DefaultToSimulated(builder.Configuration);

        Assert.Equal(PaymentProviders.Simulated, PaymentsOptions.From(builder.Configuration).Provider);
    }

    [Fact]
    public void The_development_default_never_hides_a_value_someone_set()
    {
        var configuration = Config("stripe");

        PaymentProviders.DefaultToSimulated(configuration);

        Assert.Equal("stripe", configuration[PaymentProviders.Setting]);
        Assert.Contains("'stripe'", Refusal(configuration).Message, StringComparison.Ordinal);
    }
}
