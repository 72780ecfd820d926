using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Payments.Provider;

namespace Orderly.Payments;

/// <summary>
/// Which provider takes the money, where payments listens, how long it waits for the provider, how often it asks again at once,
/// and when it stops calling it; from configuration. Every setting but the provider has a default.
/// </summary>
public sealed record PaymentsOptions(string Provider, string CommandsQueue, TimeSpan ProviderTimeout, int ProviderRetries, CircuitBreakerOptions CircuitBreaker)
{
    public static readonly TimeSpan DefaultProviderTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Retries, in the same call, of a provider that answered it is unavailable (never of a timeout: that already waited).</summary>
    public const int DefaultProviderRetries = 2;

    /// <summary>
    /// <c>Payments:Provider</c> is required: one of <see cref="PaymentProviders.Implemented"/> (<see cref="PaymentProviders.From"/>).
    /// <c>Payments:ProviderTimeout</c>, <c>Payments:CircuitBreaker:SamplingDuration</c> and <c>…:BreakDuration</c> are a TimeSpan
    /// (<c>00:00:05</c>) or a number of seconds (<c>5</c>, <c>0.5</c>), the last two at least 0.5 s;
    /// <c>Payments:ProviderRetries</c> is a whole number from 0; <c>Payments:CircuitBreaker:MinimumThroughput</c> a whole number
    /// from 2; <c>Payments:CircuitBreaker:FailureRatio</c> a number above 0 and at most 1.
    /// </summary>
    public static PaymentsOptions From(IConfiguration configuration) => new(
        PaymentProviders.From(configuration),
        Destinations.PaymentsCommands, // contract name, never a setting (Destinations says why)
        ParseDuration(configuration, "Payments:ProviderTimeout", DefaultProviderTimeout, TimeSpan.Zero),
        ParseCount(configuration, "Payments:ProviderRetries", DefaultProviderRetries, least: 0),
        new CircuitBreakerOptions(
            ParseRatio(configuration, "Payments:CircuitBreaker:FailureRatio", CircuitBreakerOptions.DefaultFailureRatio),
            ParseCount(configuration, "Payments:CircuitBreaker:MinimumThroughput", CircuitBreakerOptions.DefaultMinimumThroughput, least: 2),
            ParseDuration(configuration, "Payments:CircuitBreaker:SamplingDuration", CircuitBreakerOptions.DefaultSamplingDuration, CircuitBreakerOptions.ShortestDuration),
            ParseDuration(configuration, "Payments:CircuitBreaker:BreakDuration", CircuitBreakerOptions.DefaultBreakDuration, CircuitBreakerOptions.ShortestDuration)));

    private static TimeSpan ParseDuration(IConfiguration configuration, string setting, TimeSpan fallback, TimeSpan shortest)
    {
        var text = configuration[setting];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        TimeSpan? value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span
            : null;
        if (value is { } v && v >= shortest) return v;
        throw new InvalidOperationException(shortest > TimeSpan.Zero
            ? $"{setting} '{text}' is not a TimeSpan or a number of seconds of at least {shortest.TotalSeconds:0.###} s."
            : $"{setting} '{text}' is neither a positive TimeSpan nor a number of seconds.");
    }

    private static int ParseCount(IConfiguration configuration, string setting, int fallback, int least)
    {
        var text = configuration[setting];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var count) && count >= least)
            return count;
        throw new InvalidOperationException($"{setting} '{text}' is not a whole number of at least {least}.");
    }

    private static double ParseRatio(IConfiguration configuration, string setting, double fallback)
    {
        var text = configuration[setting];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is > 0 and <= 1)
            return ratio;
        throw new InvalidOperationException($"{setting} '{text}' is not a number above 0 and at most 1.");
    }
}
