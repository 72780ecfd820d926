namespace Orderly.Storage;

/// <summary>
/// Writes of another component (a saga's turn that takes a reply) that a handled message's unit of work carries, so they
/// commit all or nothing with the handler's batch. Only a store on the writes' own database can carry them; it tells them
/// how the unit ended, always, once.
/// </summary>
public interface ICarriedWrite
{
    /// <summary>The unit that carried the writes is durably committed.</summary>
    void Committed();

    /// <summary>The unit failed, or never ran: nothing of the writes stands.</summary>
    void Failed(Exception error);
}
