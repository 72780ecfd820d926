using Orderly.Storage;

namespace Orderly.Orchestrations;

/// <summary>Starts sagas. Implemented by the embedded runner and, in Azure, over the Durable Task client.</summary>
public interface ISagaStarter
{
    /// <summary>Starts saga <paramref name="name"/> as <paramref name="instanceId"/> unless that instance exists; returns false for a duplicate (a no-op).</summary>
    Task<bool> StartIfNotExistsAsync(string name, string instanceId, object input, CancellationToken cancellationToken = default);
}

/// <summary>Delivers external events (replies) to saga instances.</summary>
public interface ISagaEventRaiser
{
    /// <summary>Raises <paramref name="eventName"/> on <paramref name="instanceId"/>; kept until the saga waits for it.</summary>
    Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default);
}

/// <summary>
/// An event raiser whose writes that record the event (the saga's turn that takes it, or the event kept for later) can ride in
/// the caller's own unit of work, where both share one database (the embedded runner beside the embedded store and bus): a
/// reply's inbox record, its completion and the turn then commit all or nothing, as one unit. Found by a type test; Durable
/// and the Task Hub client have no such unit and raise as <see cref="ISagaEventRaiser"/> does.
/// </summary>
public interface ICarriedEventRaiser : ISagaEventRaiser
{
    /// <summary>
    /// Raises <paramref name="eventName"/> on <paramref name="instanceId"/>, offering the writes that record it to
    /// <paramref name="carry"/> (the caller's unit of work); returns once they are handed to it, and that unit commits them or
    /// fails with them. When <paramref name="carry"/> declines, this is <see cref="ISagaEventRaiser.RaiseEventAsync"/>.
    /// </summary>
    Task RaiseEventAsync(string instanceId, string eventName, object payload, Func<ICarriedWrite, bool> carry, CancellationToken cancellationToken = default);
}

/// <summary>Reads a saga instance's status.</summary>
public interface ISagaStatusReader
{
    /// <summary>The instance's status, or null when there is no such instance.</summary>
    Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default);
}
