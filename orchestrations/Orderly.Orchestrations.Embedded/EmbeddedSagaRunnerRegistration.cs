using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Embedded;
using Orderly.Messaging;

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

    /// <summary>
    /// Lets the runner take the step <paramref name="name"/> inside the turn that asks for it (<see cref="SagaSendStep"/>):
    /// <paramref name="plan"/> gives its result and the messages it sends, which the turn's unit of work writes.
    /// </summary>
    public static IServiceCollection AddSagaSendStep<TInput, TOutput>(this IServiceCollection services, string name,
        Func<IServiceProvider, TInput, (TOutput Result, IReadOnlyList<OutgoingMessage> Messages)> plan) =>
        services.AddSingleton(new SagaSendStep(name, (sp, input) =>
        {
            var typed = input.Deserialize<TInput>(SagaRegistration.JsonOptions) ?? throw new InvalidOperationException($"'{name}' got a null input.");
            var (result, messages) = plan(sp, typed);
            return new SagaSendPlan(result, messages);
        }));
}
