using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Payments.Provider;
using Orderly.Settings;

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
        configuration.ReadDuration("Payments:ProviderTimeout", DefaultProviderTimeout),
        configuration.ReadInt("Payments:ProviderRetries", DefaultProviderRetries, least: 0),
        new CircuitBreakerOptions(
            configuration.ReadDouble("Payments:CircuitBreaker:FailureRatio", CircuitBreakerOptions.DefaultFailureRatio, above: 0, most: 1),
            configuration.ReadInt("Payments:CircuitBreaker:MinimumThroughput", CircuitBreakerOptions.DefaultMinimumThroughput, least: 2),
            configuration.ReadDuration("Payments:CircuitBreaker:SamplingDuration", CircuitBreakerOptions.DefaultSamplingDuration, least: CircuitBreakerOptions.ShortestDuration),
            configuration.ReadDuration("Payments:CircuitBreaker:BreakDuration", CircuitBreakerOptions.DefaultBreakDuration, least: CircuitBreakerOptions.ShortestDuration)));
}
