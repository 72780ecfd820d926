using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orderly.Checkout.Tests;

/// <summary>
/// A saga runtime for a test: adds its ports (<c>ISagaStarter</c>, <c>ISagaEventRaiser</c>, <c>ISagaStatusReader</c>) to the
/// services under test, and starts running their sagas once those services are built.
/// </summary>
public abstract class TestSagaRuntime : IAsyncDisposable
{
    public static TestSagaRuntime Create(SagaRuntimeKind kind) => kind switch
    {
        SagaRuntimeKind.Embedded => new EmbeddedTestRuntime(EmbeddedTestRuntime.NewPath()),
        SagaRuntimeKind.DurableTask => new DurableTaskTestRuntime(),
        SagaRuntimeKind.AzureStorage => new AzureStorageTestRuntime(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Registers the runtime and its ports.</summary>
    public abstract void AddTo(IServiceCollection services);

    /// <summary>Starts running the sagas and steps registered in <paramref name="services"/>; saga logs go to <paramref name="loggers"/>.</summary>
    public abstract Task StartAsync(IServiceProvider services, ILoggerFactory? loggers);

    /// <summary>
    /// A runtime on this one's durable state, to start after this one stops (a restart); it takes over deleting that state.
    /// Null for a runtime that keeps nothing across a restart (the in-memory Durable host).
    /// </summary>
    public virtual TestSagaRuntime? Restarted() => null;

    /// <summary>
    /// How many durable timers the instance's history shows it created; null for a runtime that cannot tell (the embedded
    /// runner's timers are not Durable's, and the in-memory Durable host answers a history request with nothing).
    /// </summary>
    public virtual Task<int?> TimersCreatedAsync(string instanceId) => Task.FromResult<int?>(null);

    public abstract ValueTask DisposeAsync();
}
