using DurableTask.AzureStorage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Orchestrations.Durable.AzureStorage;

namespace Orderly.Checkout.Tests;

/// <summary>
/// The Durable Task Framework's own worker on its Azure Storage backend, over Azurite (<see cref="LocalAzurite"/>): the
/// registered sagas run through <see cref="TaskHubSagaWorker"/> exactly as in the local host with <c>Sagas__Engine=AzureStorage</c>.
/// Each test gets its own task hub, deleted at the end.
/// </summary>
public sealed class AzureStorageTestRuntime(string? taskHub = null, TimeSpan? extendedSessionIdleTimeout = null) : TestSagaRuntime
{
    private readonly AzureStorageSagaOptions _options = new()
    {
        TaskHub = taskHub ?? "t" + Guid.NewGuid().ToString("N")[..16],
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
        ExtendedSessionIdleTimeout = extendedSessionIdleTimeout ?? new AzureStorageSagaOptions().ExtendedSessionIdleTimeout,
    };
    private TaskHubSagaWorker? _worker;
    private bool _deleteHub = true;

    /// <summary>
    /// A worker on the same task hub (its history tables and queues): what a restarted host runs. Both hold a message they
    /// took for 5 s (the least the backend is allowed), not 30: what the stopped worker had taken comes back that soon.
    /// </summary>
    public override TestSagaRuntime Restarted()
    {
        _deleteHub = false;
        _options.MessageVisibilityTimeout = TimeSpan.FromSeconds(5);
        var restarted = new AzureStorageTestRuntime(_options.TaskHub);
        restarted._options.MessageVisibilityTimeout = _options.MessageVisibilityTimeout;
        return restarted;
    }

    public override void AddTo(IServiceCollection services)
    {
        _options.ConnectionString = LocalAzurite.ConnectionStringAsync().GetAwaiter().GetResult();
        services.AddAzureStorageSagaRuntime(_options, "Sagas:AzureStorage");
    }

    // The hosted service is started here, as the host would; the worker takes its loggers from the services under test.
    public override async Task StartAsync(IServiceProvider services, ILoggerFactory? loggers)
    {
        _worker = services.GetRequiredService<TaskHubSagaWorker>();
        await _worker.StartAsync(CancellationToken.None);
    }

    public override async Task<int?> TimersCreatedAsync(string instanceId)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(_options.ConnectionString),
            TaskHubName = _options.TaskHub,
            LoggerFactory = NullLoggerFactory.Instance,
        });
        var state = await service.GetOrchestrationStateAsync(instanceId, executionId: null);
        var history = await service.GetOrchestrationHistoryAsync(instanceId, state.OrchestrationInstance.ExecutionId);
        return System.Text.Json.JsonDocument.Parse(history).RootElement.EnumerateArray()
            .Count(e => e.GetProperty("EventType").ValueKind == System.Text.Json.JsonValueKind.Number
                ? e.GetProperty("EventType").GetInt32() == (int)DurableTask.Core.History.EventType.TimerCreated
                : e.GetProperty("EventType").GetString() == nameof(DurableTask.Core.History.EventType.TimerCreated));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_worker is null) return;
        await _worker.StopAsync(CancellationToken.None);
        await _worker.DisposeAsync();
        if (!_deleteHub) return;
        // The hub's queues, tables and containers, so a shared Azurite does not fill up with test hubs.
        await new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(_options.ConnectionString),
            TaskHubName = _options.TaskHub,
            LoggerFactory = NullLoggerFactory.Instance,
        }).DeleteAsync();
    }
}
