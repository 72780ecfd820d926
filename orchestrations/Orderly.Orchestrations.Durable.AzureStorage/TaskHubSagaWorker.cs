using System.Text.Json;
using DurableTask.AzureStorage;
using DurableTask.AzureStorage.Tracking;
using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orderly.Orchestrations.Durable.AzureStorage;

/// <summary>
/// Runs the registered sagas and steps on the Durable Task Framework's <see cref="TaskHubWorker"/> over its Azure Storage
/// backend, for the lifetime of the host: the engine Durable Functions runs, outside a Function App.
/// </summary>
/// <remarks>
/// The orchestrator and activity bodies are <see cref="DurableSagaRunner"/>'s, wrapped by Microsoft.DurableTask's own
/// <see cref="DurableTaskShimFactory"/>, so a saga sees the same <c>TaskOrchestrationContext</c> as in a Function App.
/// </remarks>
public sealed class TaskHubSagaWorker : IHostedService, IAsyncDisposable
{
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private readonly AzureStorageSagaOptions _options;
    private readonly ILogger _logger;

    public TaskHubSagaWorker(DurableSagaRunner runner, AzureStorageSagaOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<TaskHubSagaWorker>();
        _service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(options.ConnectionString),
            TaskHubName = options.TaskHub,
            WorkerId = options.WorkerId,
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            // Partition leases in a table, owned by worker name: a restarted worker renews its own leases at once
            // (TablePartitionManager), where blob leases would keep it idle until they expired.
            UseTablePartitionManagement = true,
            // The app lease arbitrates between apps sharing a hub (blue/green); one host per hub needs none, and a lease a
            // killed process held would keep its restart idle until the lease ran out.
            UseAppLease = false,
            // A second start of one instance id throws, so StartIfNotExistsAsync can tell a duplicate from a start.
            ThrowExceptionOnInvalidDedupeStatus = true,
            // An orchestration's history stays in memory between its episodes, so a reply does not reload it from the table.
            ExtendedSessionsEnabled = options.ExtendedSessionIdleTimeout > TimeSpan.Zero,
            ExtendedSessionIdleTimeout = options.ExtendedSessionIdleTimeout,
            LoggerFactory = loggerFactory,
        });
        // Failure details (type and message of what a step threw), which the saga context turns into StepFailedException.
        _worker = new TaskHubWorker(_service, loggerFactory) { ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails };

        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), loggerFactory);
        _worker.AddTaskOrchestrations(runner.SagaNames.Select(name => new SagaObjectCreator<TaskOrchestration>(name, () =>
            shims.CreateOrchestration<JsonElement, JsonElement>(name, (context, _) => runner.RunSagaAsync(name, context)))).ToArray());
        // An activity gets no cancellation token from the engine; stopping the worker does not cut a running step short.
        _worker.AddTaskActivities(runner.StepNames.Select(name => new SagaObjectCreator<TaskActivity>(name, () =>
            shims.CreateActivity<JsonElement, JsonElement>(name, (_, input) => runner.RunStepAsync(name, input, CancellationToken.None)))).ToArray());
        Client = new TaskHubSagaClient(_service);
    }

    /// <summary>The saga ports over this worker's task hub.</summary>
    public TaskHubSagaClient Client { get; }

    /// <summary>True between a successful start and the beginning of the stop.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>The task hub this worker runs (the prefix of its queues, tables and containers).</summary>
    public string TaskHub => _options.TaskHub;

    /// <summary>Asks storage for an instance that never exists: throws when the task hub's tables cannot be read.</summary>
    public Task ProbeAsync() => _service.GetOrchestrationStateAsync("orderly-health-probe", allExecutions: false);

    /// <summary>How many instances of the hub are in flight (Pending, Running) and how many ended, read page by page from its instance table.</summary>
    public async Task<(int InFlight, int Ended)> CountAsync(CancellationToken cancellationToken)
    {
        int inFlight = 0, ended = 0;
        string? continuation = null;
        do
        {
            var page = await _service.GetOrchestrationStateAsync(new OrchestrationInstanceStatusQueryCondition { FetchInput = false, FetchOutput = false },
                1000, continuation, cancellationToken).ConfigureAwait(false);
            foreach (var state in page.OrchestrationState)
            {
                if (state.OrchestrationStatus is OrchestrationStatus.Pending or OrchestrationStatus.Running) inFlight++;
                else ended++;
            }
            continuation = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuation));
        return (inFlight, ended);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Creates the hub's queues, tables and containers on first use (Durable Functions does the same at start).
            await _service.CreateIfNotExistsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            await _worker.StartAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"The saga engine could not open task hub '{_options.TaskHub}' on the storage account of Sagas:AzureStorage:ConnectionString " +
                $"(is Azurite running?): {ex.Message}", ex);
        }
        IsRunning = true;
        _logger.LogInformation("Sagas run on Durable Task (Azure Storage), task hub {TaskHub}, worker {WorkerId}", _options.TaskHub, _options.WorkerId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IsRunning = false;
        // Graceful: in-flight episodes and steps finish and the partitions are released. If the host's shutdown time runs out
        // first, the process ends anyway; what was unfinished reappears after MessageVisibilityTimeout.
        await _worker.StopAsync(isForced: false).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _worker.Dispose();
        return ValueTask.CompletedTask;
    }
}
