using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

/// <summary>Waits on a saga's status by polling it (never by sleeping blindly), on any runtime.</summary>
public static class StatusPolling
{
    /// <summary>Polls until the instance satisfies <paramref name="condition"/>; times out naming the last status seen.</summary>
    public static async Task<SagaInstanceStatus> WaitForAsync(this ISagaStatusReader status, string instanceId, Func<SagaInstanceStatus, bool> condition,
        int timeoutMs = 15_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        SagaInstanceStatus? last = null;
        while (!cts.IsCancellationRequested)
        {
            last = await status.GetStatusAsync(instanceId);
            if (last is not null && condition(last)) return last;
            await Task.Delay(10);
        }
        throw new TimeoutException($"Saga {instanceId} did not reach the condition; last: {last?.RuntimeStatus} {last?.CustomStatus} {last?.Failure}");
    }

    /// <summary>Polls until the instance has ended (Completed or Failed).</summary>
    public static Task<SagaInstanceStatus> WaitForEndAsync(this ISagaStatusReader status, string instanceId) =>
        status.WaitForAsync(instanceId, s => s.RuntimeStatus is SagaRuntimeStatus.Completed or SagaRuntimeStatus.Failed);
}
