using Orderly.Embedded;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// The writes that record one raised event (the turn that takes it, or the event kept for later), carried by the raiser's
/// own unit of work instead of a unit of their own (<see cref="ICarriedEventRaiser"/>). The raiser goes on once they are
/// handed over (<see cref="HandedOver"/>); the saga waits for that unit's outcome before its next turn.
/// </summary>
internal sealed class CarriedEvent(SqliteDatabase database) : CarriedWrite(database)
{
    private readonly TaskCompletionSource<long[]> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<WriteScope, long[]>? _writes;
    private long[] _written = [];

    /// <summary>Completes once the writes are handed over, or once it is known there are none (the event was dropped).</summary>
    public TaskCompletionSource HandedOver { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Hands <paramref name="writes"/> to the carrying unit and lets the raiser go on; completes with what they returned once that unit commits.</summary>
    public Task<long[]> Hold(Func<WriteScope, long[]> writes)
    {
        _writes = writes;
        HandedOver.TrySetResult();
        return _outcome.Task;
    }

    public override void WriteIn(WriteScope scope) => _written = _writes?.Invoke(scope) ?? [];

    public override void Committed() => _outcome.TrySetResult(_written);

    // With nothing handed over, nobody waits for the outcome: an exception left in it would only go unobserved.
    public override void Failed(Exception error)
    {
        if (_writes is not null) _outcome.TrySetException(error);
    }
}
