using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orderly.Messaging;
using Orderly.Resilience;
using Orderly.Storage;

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
    /// For the container <paramref name="container"/> (its keyed <see cref="IDocumentStore"/> must be registered): its
    /// <paramref name="feed"/> and <see cref="ParkedOutbox"/>, both keyed by the container name, and a relay from the feed to the
    /// registered <see cref="IMessagePublisher"/> as a hosted service, reporting as the loop <c>outbox relay &lt;container&gt;</c>
    /// to the registered <see cref="BackgroundLoops"/>, if any.
    /// </summary>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, string container, Func<IServiceProvider, IOutboxFeed> feed,
        OutboxRelayOptions? options = null)
    {
        services.AddKeyedSingleton(container, (sp, _) => feed(sp));
        services.AddKeyedSingleton(container, (sp, _) => new ParkedOutbox(
            sp.GetRequiredKeyedService<IDocumentStore>(container), sp.GetRequiredKeyedService<IOutboxFeed>(container), sp.GetService<TimeProvider>()));
        return services.AddSingleton<IHostedService>(sp => new OutboxRelayService(new OutboxRelay(
            sp.GetRequiredKeyedService<IOutboxFeed>(container), sp.GetRequiredKeyedService<ParkedOutbox>(container),
            sp.GetRequiredService<IMessagePublisher>(), options ?? new OutboxRelayOptions(), sp.GetRequiredService<ILogger<OutboxRelay>>(),
            sp.GetService<BackgroundLoops>()?.For($"outbox relay {container}"))));
    }
}
