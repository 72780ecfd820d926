using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Orderly.Orchestrations;

/// <summary>A saga (orchestrator) by name: how to run it on a context with its JSON input.</summary>
public sealed record SagaDefinition(string Name, Func<IServiceProvider, SagaContext, JsonElement, Task<object?>> Run);

/// <summary>A step (activity) by name: how to run it with its JSON input. Runs at least once, so it must be idempotent.</summary>
public sealed record SagaActivityDefinition(string Name, Func<IServiceProvider, JsonElement, CancellationToken, Task<object?>> Run);

/// <summary>Registers sagas and their steps in DI; a runtime (the embedded runner) finds them there by name.</summary>
public static class SagaRegistration
{
    /// <summary>The JSON settings for saga inputs, step results, event payloads and statuses (web defaults: camelCase).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <remarks>
    /// The saga's awaits keep their context (no <c>ConfigureAwait(false)</c>): on Durable a saga continues on the
    /// orchestrator's thread or the worker fails it.
    /// </remarks>
    public static IServiceCollection AddSaga<TInput, TOutput>(this IServiceCollection services, string name,
        Func<IServiceProvider, SagaContext, TInput, Task<TOutput>> run) =>
        services.AddSingleton(new SagaDefinition(name, async (sp, ctx, input) => await run(sp, ctx, Read<TInput>(input, name))));

    public static IServiceCollection AddSagaActivity<TInput, TOutput>(this IServiceCollection services, string name,
        Func<IServiceProvider, TInput, CancellationToken, Task<TOutput>> run) =>
        services.AddSingleton(new SagaActivityDefinition(name, async (sp, input, ct) =>
            await run(sp, Read<TInput>(input, name), ct).ConfigureAwait(false)));

    private static T Read<T>(JsonElement json, string name) =>
        json.Deserialize<T>(JsonOptions) ?? throw new InvalidOperationException($"'{name}' got a null input.");
}
