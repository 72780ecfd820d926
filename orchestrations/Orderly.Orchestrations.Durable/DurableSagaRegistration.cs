using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Orderly.Orchestrations.Durable;

/// <summary>Wires Durable Task as the saga runtime: the ports in DI, and the sagas and steps in a Durable Task worker.</summary>
public static class DurableSagaRegistration
{
    /// <summary>
    /// Registers <see cref="DurableSagaRunner"/> and the saga ports (<see cref="ISagaStarter"/>, <see cref="ISagaEventRaiser"/>,
    /// <see cref="ISagaStatusReader"/>) over the client <paramref name="client"/> returns, asked on every call
    /// (a Function App: <c>_ =&gt; DurableClientScope.Current</c>).
    /// </summary>
    public static IServiceCollection AddDurableSagaRuntime(this IServiceCollection services, Func<IServiceProvider, DurableTaskClient> client)
    {
        services.AddSingleton<DurableSagaRunner>();
        services.AddSingleton(sp => new DurableSagaClient(() => client(sp)));
        services.AddSingleton<ISagaStarter>(sp => sp.GetRequiredService<DurableSagaClient>());
        services.AddSingleton<ISagaEventRaiser>(sp => sp.GetRequiredService<DurableSagaClient>());
        services.AddSingleton<ISagaStatusReader>(sp => sp.GetRequiredService<DurableSagaClient>());
        return services;
    }

    /// <summary>
    /// Registers every saga of <paramref name="runner"/> as an orchestrator and every step as an activity of a Durable Task
    /// worker (a host that is not a Function App; a Function App declares each one as a function that calls the runner).
    /// </summary>
    public static DurableTaskRegistry AddSagas(this DurableTaskRegistry registry, DurableSagaRunner runner)
    {
        foreach (var name in runner.SagaNames)
            registry.AddOrchestratorFunc<JsonElement, JsonElement>(name, (context, _) => runner.RunSagaAsync(name, context));
        // TaskActivityContext carries no cancellation token; the worker's shutdown does not cut a running step short.
        foreach (var name in runner.StepNames)
            registry.AddActivityFunc<JsonElement, JsonElement>(name, (_, input) => runner.RunStepAsync(name, input, CancellationToken.None));
        return registry;
    }
}
