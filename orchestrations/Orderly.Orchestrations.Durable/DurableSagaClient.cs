using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Orderly.Orchestrations.Durable;

/// <summary>The saga ports over a Durable Task client: start, raise an event, read the status.</summary>
/// <remarks>
/// <paramref name="client"/> is asked on every call, because a Function App gets its client per invocation
/// (<see cref="DurableClientScope"/>) while a plain worker host has one for its lifetime. Inputs and event payloads go to
/// Durable as the saga's JSON (<see cref="SagaRegistration.JsonOptions"/>), as <see cref="DurableSagaContext"/> reads them.
/// </remarks>
public sealed class DurableSagaClient(Func<DurableTaskClient> client) : ISagaStarter, ISagaEventRaiser, ISagaStatusReader
{
    public async Task<bool> StartIfNotExistsAsync(string name, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        var durable = client();
        // Schedule on an existing non-terminal id "may fail silently" and a terminal one may be recreated: check first.
        if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is not null) return false;
        try
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(name, DurableSagaContext.SagaJson(input), new StartOrchestrationOptions(InstanceId: instanceId),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A concurrent duplicate may have won the start; anything else is a real failure for the pipeline to retry.
            if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is not null) return false;
            throw;
        }
    }

    // The saga is started before it sends its first command, so no reply can reach an instance that does not exist yet:
    // Durable drops events for unknown instances (DurableTaskClient.RaiseEventAsync; durabletask #720), the embedded runner keeps them.
    public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        client().RaiseEventAsync(instanceId, eventName, DurableSagaContext.SagaJson(payload), cancellationToken);

    public async Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var m = await client().GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (m is null) return null;
        var runtime = m.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => SagaRuntimeStatus.Pending,
            OrchestrationRuntimeStatus.Completed => SagaRuntimeStatus.Completed,
            // Canceled and ContinuedAsNew are [Obsolete] in Microsoft.DurableTask.Client ("exists only for compatibility"):
            // never reported, and naming them breaks the build (CS0618 with warnings as errors).
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => SagaRuntimeStatus.Failed,
            _ => SagaRuntimeStatus.Running,
        };
        // Only a completed instance's output is the saga's result; a failed one's is Durable's failure text, not JSON.
        var output = m.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Json(m.SerializedOutput) : null;
        return new SagaInstanceStatus(m.InstanceId, m.Name, runtime, Json(m.SerializedCustomStatus), output,
            m.FailureDetails?.ToString() ?? (m.RuntimeStatus == OrchestrationRuntimeStatus.Terminated ? "terminated" : null),
            m.CreatedAt, m.LastUpdatedAt);
    }

    private static JsonElement? Json(string? serialized) =>
        string.IsNullOrEmpty(serialized) ? null : JsonDocument.Parse(serialized).RootElement.Clone();
}
