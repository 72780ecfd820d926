using System.Text.Json;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;

namespace Orderly.Orchestrations.Durable.AzureStorage;

/// <summary>The saga ports over a Durable Task Framework orchestration service client: start, raise an event, read the status.</summary>
/// <remarks>
/// It writes the same messages <c>DurableTaskClient</c> does (an <see cref="ExecutionStartedEvent"/>, an
/// <see cref="EventRaisedEvent"/>), with inputs and payloads as the saga's JSON (<see cref="SagaRegistration.JsonOptions"/>),
/// which is what the orchestrator shims deserialize.
/// </remarks>
public sealed class TaskHubSagaClient(IOrchestrationServiceClient client) : ISagaStarter, ISagaEventRaiser, ISagaStatusReader
{
    // Every status: an instance id is used once, whether its saga still runs or ended long ago (a redelivered OrderPlaced).
    private static readonly OrchestrationStatus[] AnyStatus = Enum.GetValues<OrchestrationStatus>();

    public async Task<bool> StartIfNotExistsAsync(string name, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        if (await ReadAsync(instanceId).ConfigureAwait(false) is not null) return false;
        var instance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") };
        var started = new ExecutionStartedEvent(-1, Json(input)) { Name = name, Version = string.Empty, OrchestrationInstance = instance };
        try
        {
            await client.CreateTaskOrchestrationAsync(new TaskMessage { Event = started, OrchestrationInstance = instance }, AnyStatus)
                .ConfigureAwait(false);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false; // a concurrent duplicate won the start
        }
    }

    public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        client.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new EventRaisedEvent(-1, Json(payload)) { Name = eventName },
        });

    public async Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var state = await ReadAsync(instanceId).ConfigureAwait(false);
        if (state is null) return null;
        var runtime = state.OrchestrationStatus switch
        {
            OrchestrationStatus.Pending => SagaRuntimeStatus.Pending,
            OrchestrationStatus.Completed => SagaRuntimeStatus.Completed,
            OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled => SagaRuntimeStatus.Failed,
            _ => SagaRuntimeStatus.Running,
        };
        // Only a completed instance's output is the saga's result; a failed one's is the engine's failure text, not JSON.
        var output = state.OrchestrationStatus == OrchestrationStatus.Completed ? Parse(state.Output) : null;
        // The Azure Storage backend keeps a failed instance's failure in its output column, not in FailureDetails.
        var failure = runtime != SagaRuntimeStatus.Failed ? null
            : state.FailureDetails?.ToString() ?? (string.IsNullOrEmpty(state.Output) ? state.OrchestrationStatus.ToString().ToLowerInvariant() : state.Output);
        return new SagaInstanceStatus(instanceId, state.Name, runtime, Parse(state.Status), output, failure,
            new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
            new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)));
    }

    private async Task<OrchestrationState?> ReadAsync(string instanceId) =>
        (await client.GetOrchestrationStateAsync(instanceId, allExecutions: false).ConfigureAwait(false)).FirstOrDefault();

    private static string Json(object? value) => JsonSerializer.Serialize(value, SagaRegistration.JsonOptions);

    private static JsonElement? Parse(string? serialized) =>
        string.IsNullOrEmpty(serialized) ? null : JsonDocument.Parse(serialized).RootElement.Clone();
}
