using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

/// <summary>The sagas and steps a test registers, running on a saga runtime, driven through the runtime's ports.</summary>
public sealed class SagaHarness : IAsyncDisposable
{
    private SagaHarness(TestSagaRuntime runtime, ServiceProvider services)
    {
        Runtime = runtime;
        Services = services;
        Starter = services.GetRequiredService<ISagaStarter>();
        Events = services.GetRequiredService<ISagaEventRaiser>();
        Status = services.GetRequiredService<ISagaStatusReader>();
    }

    public TestSagaRuntime Runtime { get; }
    public ServiceProvider Services { get; }
    public ISagaStarter Starter { get; }
    public ISagaEventRaiser Events { get; }
    public ISagaStatusReader Status { get; }

    public static Task<SagaHarness> StartAsync(SagaRuntimeKind kind, Action<IServiceCollection> configure, ILoggerFactory? loggers = null) =>
        StartAsync(TestSagaRuntime.Create(kind), configure, loggers);

    public static async Task<SagaHarness> StartAsync(TestSagaRuntime runtime, Action<IServiceCollection> configure, ILoggerFactory? loggers = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (loggers is not null) services.AddSingleton(loggers);
        configure(services);
        runtime.AddTo(services);
        var provider = services.BuildServiceProvider();
        await runtime.StartAsync(provider, loggers);
        return new SagaHarness(runtime, provider);
    }

    public Task<bool> StartAsync(string name, string instanceId, object input) => Starter.StartIfNotExistsAsync(name, instanceId, input);

    public Task RaiseAsync(string instanceId, string eventName, object payload) => Events.RaiseEventAsync(instanceId, eventName, payload);

    public Task<SagaInstanceStatus?> StatusAsync(string instanceId) => Status.GetStatusAsync(instanceId);

    public Task<SagaInstanceStatus> WaitForAsync(string instanceId, Func<SagaInstanceStatus, bool> condition) => Status.WaitForAsync(instanceId, condition);

    public Task<SagaInstanceStatus> WaitForEndAsync(string instanceId) => Status.WaitForEndAsync(instanceId);

    public static T? Output<T>(SagaInstanceStatus s) => s.Output is { } o ? o.Deserialize<T>(SagaRegistration.JsonOptions) : default;

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await Services.DisposeAsync();
    }
}
