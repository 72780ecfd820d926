namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// Arms the in-memory timers of running sagas' waits and delays on the host's clock; a due timer arrives at its saga like
/// any outcome. Durable through the journal: a replay asks for the same timer at the same instant (the saga's time).
/// </summary>
internal sealed class SagaTimers(TimeProvider time)
{
    public ITimer Arm(RunningSaga saga, int actionId, DateTimeOffset fireAt)
    {
        var due = fireAt - time.GetUtcNow();
        return time.CreateTimer(static state =>
        {
            var (saga, actionId) = ((RunningSaga, int))state!;
            saga.Deliver(new SagaArrival.TimerDue(actionId));
        }, (saga, actionId), due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }
}
