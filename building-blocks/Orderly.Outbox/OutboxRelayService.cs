using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orderly.Messaging;
using Orderly.Resilience;

namespace Orderly.Outbox;

/// <summary>Runs an <see cref="OutboxRelay"/> for the life of the host (embedded mode; in Azure the change-feed trigger drives the relay).</summary>
public sealed class OutboxRelayService(OutboxRelay relay) : BackgroundService
{
    public OutboxRelay Relay { get; } = relay;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Relay.RunAsync(stoppingToken);
}

/// <summary>Registers outbox relays.</summary>
public static class OutboxRelayRegistration
{
    /// <summary>
    /// Runs a relay from <paramref name="feed"/> to the registered <see cref="IMessagePublisher"/> as a hosted service (one per
    /// container), reporting as the loop <paramref name="name"/> to the registered <see cref="BackgroundLoops"/>, if any.
    /// </summary>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, Func<IServiceProvider, IOutboxFeed> feed,
        OutboxRelayOptions? options = null, string name = "outbox relay") =>
        services.AddSingleton<IHostedService>(sp => new OutboxRelayService(new OutboxRelay(
            feed(sp), sp.GetRequiredService<IMessagePublisher>(), options ?? new OutboxRelayOptions(), sp.GetRequiredService<ILogger<OutboxRelay>>(),
            sp.GetService<BackgroundLoops>()?.For(name))));
}
