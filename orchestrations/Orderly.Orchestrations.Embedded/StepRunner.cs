using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// Runs the steps sagas ask for, at least once: each attempt in a DI scope of its own, retried per the step's policy, and
/// the outcome (result, or the last failure) handed to the saga, whose next turn journals it. A step cut off by a stop
/// hands nothing over, so it runs again after the restart.
/// </summary>
internal sealed class StepRunner(IServiceProvider services, TimeProvider time, ILogger log, Action<Task> track, CancellationToken stopping)
{
    private readonly Dictionary<string, SagaActivityDefinition> _activities =
        services.GetServices<SagaActivityDefinition>().ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>Starts the step on the calling thread (no hop): it runs until its first real wait, then goes on where that ends.</summary>
    public void Start(RunningSaga saga, StepAction step)
    {
        if (!stopping.IsCancellationRequested) track(RunAsync(saga, step));
    }

    private async Task RunAsync(RunningSaga saga, StepAction step)
    {
        string kind = JournalEntry.StepFailed;
        string? payload = null;
        try
        {
            if (!_activities.TryGetValue(step.Name, out var activity))
            {
                payload = Failure(new InvalidOperationException($"No step named '{step.Name}' is registered."));
            }
            else
            {
                for (var attempt = 1; attempt <= Math.Max(1, step.Retry.MaxAttempts); attempt++)
                {
                    if (attempt > 1) await Task.Delay(step.Retry.DelayBefore(attempt), time, stopping).ConfigureAwait(false);
                    try
                    {
                        var scope = services.CreateAsyncScope();
                        await using (scope.ConfigureAwait(false))
                        {
                            var result = await activity.Run(scope.ServiceProvider, step.Input, stopping).ConfigureAwait(false);
                            (kind, payload) = (JournalEntry.StepCompleted, JsonSerializer.Serialize(result, SagaRegistration.JsonOptions));
                        }
                        break;
                    }
                    catch (Exception ex) when (!stopping.IsCancellationRequested)
                    {
                        log.LogWarning(ex, "Saga {InstanceId}: step {Step} attempt {Attempt} failed", saga.InstanceId, step.Name, attempt);
                        payload = Failure(ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return; // stopping: not journaled, so it runs again after a restart
        }
        if (stopping.IsCancellationRequested) return;
        saga.Deliver(new SagaArrival.StepFinished(step.ActionId, kind, payload));
    }

    /// <summary>A failed step's journal payload.</summary>
    internal static string Failure(Exception ex) =>
        JsonSerializer.Serialize(new StepFailure(ex.GetType().FullName ?? ex.GetType().Name, ex.Message), SagaRegistration.JsonOptions);
}
