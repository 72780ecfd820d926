using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orderly.Contracts;

namespace Orderly.Payments;

/// <summary>Where payments listens and how long it waits for the provider; from configuration, with defaults.</summary>
public sealed record PaymentsOptions(string CommandsQueue, TimeSpan ProviderTimeout)
{
    public static readonly TimeSpan DefaultProviderTimeout = TimeSpan.FromSeconds(5);

    /// <summary><c>Payments:ProviderTimeout</c> is a TimeSpan (<c>00:00:05</c>) or a number of seconds (<c>5</c>, <c>0.5</c>).</summary>
    public static PaymentsOptions From(IConfiguration configuration) => new(
        configuration["Messaging:Queues:PaymentsCommands"] ?? Destinations.PaymentsCommands,
        ParseTimeout(configuration["Payments:ProviderTimeout"]));

    private static TimeSpan ParseTimeout(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return DefaultProviderTimeout;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            return TimeSpan.FromSeconds(seconds);
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
            return span;
        throw new InvalidOperationException($"Payments:ProviderTimeout '{text}' is neither a positive TimeSpan nor a number of seconds.");
    }
}
