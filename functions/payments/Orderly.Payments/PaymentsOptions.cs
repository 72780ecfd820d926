using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Payments.Provider;

namespace Orderly.Payments;

/// <summary>
/// Which provider takes the money, where payments listens, how long it waits for the provider and when it stops calling it;
/// from configuration. Every setting but the provider has a default.
/// </summary>
public sealed record PaymentsOptions(string Provider, string CommandsQueue, TimeSpan ProviderTimeout, CircuitBreakerOptions CircuitBreaker)
{
    public static readonly TimeSpan DefaultProviderTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>Payments:Provider</c> is required: one of <see cref="PaymentProviders.Implemented"/> (<see cref="PaymentProviders.From"/>).
    /// <c>Payments:ProviderTimeout</c> and <c>Payments:CircuitBreaker:BreakDuration</c> are a TimeSpan (<c>00:00:05</c>) or a
    /// number of seconds (<c>5</c>, <c>0.5</c>); <c>Payments:CircuitBreaker:FailureThreshold</c> is a whole number, at least 1.
    /// </summary>
    public static PaymentsOptions From(IConfiguration configuration) => new(
        PaymentProviders.From(configuration),
        Destinations.PaymentsCommands, // contract name, never a setting (Destinations says why)
        ParseDuration(configuration, "Payments:ProviderTimeout", DefaultProviderTimeout),
        new CircuitBreakerOptions(
            ParseCount(configuration, "Payments:CircuitBreaker:FailureThreshold", CircuitBreakerOptions.DefaultFailureThreshold),
            ParseDuration(configuration, "Payments:CircuitBreaker:BreakDuration", CircuitBreakerOptions.DefaultBreakDuration)));

    private static TimeSpan ParseDuration(IConfiguration configuration, string setting, TimeSpan fallback)
    {
        var text = configuration[setting];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            return TimeSpan.FromSeconds(seconds);
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
            return span;
        throw new InvalidOperationException($"{setting} '{text}' is neither a positive TimeSpan nor a number of seconds.");
    }

    private static int ParseCount(IConfiguration configuration, string setting, int fallback)
    {
        var text = configuration[setting];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var count) && count >= 1)
            return count;
        throw new InvalidOperationException($"{setting} '{text}' is not a whole number of at least 1.");
    }
}
