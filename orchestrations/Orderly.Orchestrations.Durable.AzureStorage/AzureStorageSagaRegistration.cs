using Microsoft.Extensions.DependencyInjection;

namespace Orderly.Orchestrations.Durable.AzureStorage;

/// <summary>Wires the Durable Task Framework on Azure Storage as the saga runtime of a plain host.</summary>
public static class AzureStorageSagaRegistration
{
    /// <summary>
    /// Registers <see cref="TaskHubSagaWorker"/> (a hosted service) and the saga ports over its task hub. The options are
    /// validated here, so a bad setting stops the host at start, named.
    /// </summary>
    public static IServiceCollection AddAzureStorageSagaRuntime(this IServiceCollection services, AzureStorageSagaOptions options, string section)
    {
        options.Validate(section);
        services.AddSingleton(options);
        services.AddSingleton<DurableSagaRunner>();
        services.AddSingleton<TaskHubSagaWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskHubSagaWorker>());
        services.AddSingleton<ISagaStarter>(sp => sp.GetRequiredService<TaskHubSagaWorker>().Client);
        services.AddSingleton<ISagaEventRaiser>(sp => sp.GetRequiredService<TaskHubSagaWorker>().Client);
        services.AddSingleton<ISagaStatusReader>(sp => sp.GetRequiredService<TaskHubSagaWorker>().Client);
        return services;
    }
}
