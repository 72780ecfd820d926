using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Functions;

/// <summary>
/// The saga ports over the Durable Task client. The client is a binding (<c>[DurableClient]</c>) of each invocation, not a
/// DI service, so the trigger puts it in scope with <see cref="Use"/> around the call into the core.
/// </summary>
public sealed class DurableSagaClient : ISagaStarter, ISagaEventRaiser, ISagaStatusReader
{
    private static readonly AsyncLocal<DurableTaskClient?> Current = new();

    /// <summary>Makes <paramref name="client"/> the client of this invocation until the returned scope is disposed.</summary>
    public static IDisposable Use(DurableTaskClient client)
    {
        var previous = Current.Value;
        Current.Value = client;
        return new Scope(previous);
    }

    private static DurableTaskClient Client => Current.Value
        ?? throw new InvalidOperationException("No Durable client in scope: the trigger must wrap its call in DurableSagaClient.Use.");

    public async Task<bool> StartIfNotExistsAsync(string name, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        // Schedule on an existing non-terminal id "may fail silently" and a terminal one may be recreated: check first.
        if (await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null) return false;
        try
        {
            await Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(InstanceId: instanceId), cancellationToken);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A concurrent duplicate may have won the start; anything else is a real failure for the pipeline to retry.
            if (await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null) return false;
            throw;
        }
    }

    // The saga is started before it sends its first command, so no reply can reach a Pending instance (durabletask #720).
    public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        Client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);

    public async Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var m = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
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
        return new SagaInstanceStatus(m.InstanceId, m.Name, runtime, Json(m.SerializedCustomStatus), Json(m.SerializedOutput),
            m.FailureDetails?.ToString() ?? (m.RuntimeStatus == OrchestrationRuntimeStatus.Terminated ? "terminated" : null),
            m.CreatedAt, m.LastUpdatedAt);
    }

    private static JsonElement? Json(string? serialized) =>
        string.IsNullOrEmpty(serialized) ? null : JsonDocument.Parse(serialized).RootElement.Clone();

    private sealed class Scope(DurableTaskClient? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
