using Microsoft.Extensions.DependencyInjection;
using Orderly.Embedded;

namespace Orderly.Orchestrations.Embedded;

/// <summary>Wires the embedded saga runner as the saga runtime of the one-process host.</summary>
public static class EmbeddedSagaRunnerRegistration
{
    /// <summary>Registers the runner (as starter, event raiser, status reader and hosted service) on <paramref name="database"/>.</summary>
    public static IServiceCollection AddEmbeddedSagaRunner(this IServiceCollection services, Func<IServiceProvider, SqliteDatabase> database,
        Action<EmbeddedSagaRunnerOptions>? configure = null)
    {
        services.AddSingleton(sp =>
        {
            var options = new EmbeddedSagaRunnerOptions();
            configure?.Invoke(options);
            return new EmbeddedSagaRunner(database(sp), sp, options);
        });
        services.AddSingleton<ISagaStarter>(sp => sp.GetRequiredService<EmbeddedSagaRunner>());
        services.AddSingleton<ISagaEventRaiser>(sp => sp.GetRequiredService<EmbeddedSagaRunner>());
        services.AddSingleton<ISagaStatusReader>(sp => sp.GetRequiredService<EmbeddedSagaRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedSagaRunner>());
        return services;
    }
}
