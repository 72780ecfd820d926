using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.Payments.Provider;

/// <summary>
/// Which payment provider takes the money, chosen by <c>Payments:Provider</c> (environment: <c>Payments__Provider</c>). There
/// is no default: the simulated provider approves every card that is not a test token, so a deployment that forgot the
/// setting must not start and quietly take orders it never charged. Hosts that only ever run on a developer's machine (the
/// embedded local host) call <see cref="DefaultToSimulated"/> before the module reads the setting.
/// </summary>
public static class PaymentProviders
{
    /// <summary>The configuration key.</summary>
    public const string Setting = "Payments:Provider";

    /// <summary>The same setting as an environment variable or Function App setting.</summary>
    public const string EnvironmentVariable = "Payments__Provider";

    /// <summary>The <see cref="SimulatedPaymentProvider"/>: decides by token, moves no money.</summary>
    public const string Simulated = "simulated";

    /// <summary>Every value <see cref="Setting"/> may take: the providers this build implements.</summary>
    public static IReadOnlyList<string> Implemented { get; } = [Simulated];

    /// <summary>
    /// Sets <see cref="Setting"/> to <see cref="Simulated"/> when it is absent or empty, and leaves a value someone chose
    /// alone. For development-only hosts; a deployed app gets the setting from its environment or refuses to start.
    /// </summary>
    public static void DefaultToSimulated(IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[Setting])) configuration[Setting] = Simulated;
    }

    /// <summary>The provider <see cref="Setting"/> names (case-insensitive), or one error naming the setting and the allowed values.</summary>
    public static string From(IConfiguration configuration)
    {
        var text = configuration[Setting]?.Trim();
        var allowed = string.Join(", ", Implemented);
        if (string.IsNullOrEmpty(text))
        {
            throw new SettingException(EnvironmentVariable,
                $"{EnvironmentVariable} ({Setting}) is not set; set it to one of: {allowed}. There is no default, so that a " +
                "deployment cannot take orders with the simulated provider, which moves no money, by accident.");
        }
        return Implemented.FirstOrDefault(p => string.Equals(p, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new SettingException(EnvironmentVariable,
                $"{EnvironmentVariable} ({Setting}) '{text}' is not a payment provider this build implements; allowed: {allowed}.");
    }
}
