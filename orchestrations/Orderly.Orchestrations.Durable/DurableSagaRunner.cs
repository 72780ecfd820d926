using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Orderly.Orchestrations.Durable;

/// <summary>
/// The bodies of the Durable orchestrators and activities: runs the sagas and steps registered in DI
/// (<see cref="SagaRegistration.AddSaga{TInput, TOutput}"/>, <see cref="SagaRegistration.AddSagaActivity{TInput, TOutput}"/>)
/// on Durable Task, the same definitions the embedded runner runs. A Function App's triggers and a worker's registry
/// (<see cref="DurableSagaRegistration.AddSagas"/>) both call into it, so there is one body for each.
/// </summary>
public sealed class DurableSagaRunner
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, SagaDefinition> _sagas;
    private readonly Dictionary<string, SagaActivityDefinition> _steps;

    public DurableSagaRunner(IServiceProvider services)
    {
        _services = services;
        _sagas = services.GetServices<SagaDefinition>().ToDictionary(d => d.Name, StringComparer.Ordinal);
        _steps = services.GetServices<SagaActivityDefinition>().ToDictionary(d => d.Name, StringComparer.Ordinal);
    }

    /// <summary>The names of the registered sagas (each one an orchestrator).</summary>
    public IReadOnlyCollection<string> SagaNames => _sagas.Keys;

    /// <summary>The names of the registered steps (each one an activity).</summary>
    public IReadOnlyCollection<string> StepNames => _steps.Keys;

    /// <summary>The orchestrator <paramref name="name"/>: runs that saga on <paramref name="context"/> and returns its result as the saga's JSON.</summary>
    /// <remarks>
    /// No <c>ConfigureAwait(false)</c> here: an orchestrator continues on Durable's orchestrator thread or not at all. The
    /// result goes back as a <see cref="JsonElement"/> so the instance's output is the same camelCase JSON as on the embedded runner.
    /// </remarks>
    public async Task<JsonElement> RunSagaAsync(string name, TaskOrchestrationContext context)
    {
        var saga = _sagas.TryGetValue(name, out var found) ? found : throw new InvalidOperationException($"No saga named '{name}' is registered.");
        using var sagaContext = new DurableSagaContext(context); // its last shared timer would keep the instance Running
        var output = await saga.Run(_services, sagaContext, context.GetInput<JsonElement>());
        return DurableSagaContext.SagaJson(output);
    }

    /// <summary>The activity <paramref name="name"/>: runs that step in its own DI scope, as the embedded runner does, and returns its result as the saga's JSON.</summary>
    public async Task<JsonElement> RunStepAsync(string name, JsonElement input, CancellationToken cancellationToken)
    {
        var step = _steps.TryGetValue(name, out var found) ? found : throw new InvalidOperationException($"No step named '{name}' is registered.");
        var scope = _services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
            return DurableSagaContext.SagaJson(await step.Run(scope.ServiceProvider, input, cancellationToken).ConfigureAwait(false));
    }
}
