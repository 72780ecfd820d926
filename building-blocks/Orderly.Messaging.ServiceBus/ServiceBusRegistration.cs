using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Storage;

namespace Orderly.Messaging.ServiceBus;

/// <summary>Wires the Service Bus adapters from configuration: identity-based in Azure, the emulator's connection string locally.</summary>
public static class ServiceBusRegistration
{
    /// <summary>The connection name shared with the triggers' <c>Connection = "ServiceBusConnection"</c>.</summary>
    public const string ConnectionName = "ServiceBusConnection";

    /// <summary>
    /// Registers the <see cref="ServiceBusClient"/>, the per-entity senders and <see cref="IMessagePublisher"/>.
    /// Reads <c>ServiceBusConnection__fullyQualifiedNamespace</c> with <see cref="DefaultAzureCredential"/> (user-assigned
    /// identity from <c>ServiceBusConnection__clientId</c> or <c>AZURE_CLIENT_ID</c>). A plain <c>ServiceBusConnection</c>
    /// connection string is accepted only for the local emulator (<c>UseDevelopmentEmulator=true</c>): keys never reach Azure.
    /// </summary>
    public static IServiceCollection AddOrderlyServiceBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => CreateClient(configuration));
        services.AddSingleton(sp => new ServiceBusSenders(sp.GetRequiredService<ServiceBusClient>()));
        services.AddSingleton<IMessagePublisher, ServiceBusMessagePublisher>();
        return services;
    }

    /// <summary>
    /// Registers dead-letter triage over the given entities, keeping triage notes (with their trail) in the context's keyed <see cref="IDocumentStore"/>.
    /// </summary>
    public static IServiceCollection AddServiceBusDeadLetterTriage(this IServiceCollection services, string contextName, IReadOnlyList<string> entities) =>
        services.AddSingleton<IDeadLetterQueue>(sp => new ServiceBusDeadLetterQueue(
            sp.GetRequiredService<ServiceBusSenders>(),
            sp.GetRequiredKeyedService<IDocumentStore>(contextName),
            entities,
            sp.GetRequiredService<ILogger<ServiceBusDeadLetterQueue>>(),
            sp.GetService<TimeProvider>()));

    private static ServiceBusClient CreateClient(IConfiguration configuration)
    {
        var options = new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions
            {
                Mode = ServiceBusRetryMode.Exponential,
                MaxRetries = 3,
                Delay = TimeSpan.FromMilliseconds(800),
                MaxDelay = TimeSpan.FromSeconds(30),
                TryTimeout = TimeSpan.FromSeconds(60),
            },
        };
        var section = configuration.GetSection(ConnectionName);
        var fullyQualifiedNamespace = section["fullyQualifiedNamespace"];
        if (!string.IsNullOrWhiteSpace(fullyQualifiedNamespace))
            return new ServiceBusClient(fullyQualifiedNamespace, Credential(section["clientId"] ?? configuration["AZURE_CLIENT_ID"]), options);

        var connectionString = section.Value;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            if (!connectionString.Contains("UseDevelopmentEmulator=true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(
                    $"{ConnectionName} is a connection string with a key; in Azure set {ConnectionName}__fullyQualifiedNamespace and use the app's identity.");
            return new ServiceBusClient(connectionString, options);
        }
        throw new InvalidOperationException($"Set {ConnectionName}__fullyQualifiedNamespace (Azure) or {ConnectionName} (emulator connection string).");
    }

    private static TokenCredential Credential(string? managedIdentityClientId) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = managedIdentityClientId });
}
