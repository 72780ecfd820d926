using System.Collections.Concurrent;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// Where a saga's code runs: its continuations are queued here and run by its turn, on the turn's thread, one at a time,
/// as Durable runs an orchestrator on its own thread. A continuation that something else completes later (a forbidden
/// <c>Task.Delay</c>, I/O) waits here for a turn that never runs it: the saga is failed first.
/// </summary>
internal sealed class SagaThread : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _work = new();

    public override void Post(SendOrPostCallback d, object? state) => _work.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("A saga's code never waits synchronously for its own thread.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="work"/> as the saga's thread, then every continuation it queued, until the saga waits again.</summary>
    public void Run(Action work)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            work();
            while (_work.TryDequeue(out var next)) next.Callback(next.State);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
