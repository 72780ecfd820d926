using Orderly.Messaging;
using Orderly.Storage;

namespace Orderly.Outbox;

/// <summary>
/// A document store that can complete a received message in the same unit of work that commits the handler's batch, because
/// the bus keeps its messages in the same database (embedded mode: store and broker in one SQLite file). Handling a message
/// then costs one commit instead of two. Cosmos DB and Service Bus share no transaction: there the consumer commits, then completes.
/// </summary>
public interface ICompletingStore
{
    /// <summary>True when <paramref name="settlement"/> settles a message of a bus in this store's own database.</summary>
    bool CanComplete(IMessageSettlement settlement);

    /// <summary>True when <paramref name="write"/> is on this store's own database, so a unit of this store can carry it.</summary>
    bool CanCarry(ICarriedWrite write);

    /// <summary>
    /// Commits <paramref name="batch"/> and completes the message in one all-or-nothing unit; a failing batch completes nothing.
    /// A message whose lock was lost meanwhile does not hold the batch back (it commits, as it would before a separate
    /// complete): the answer's <see cref="CompletedCommit.CompletionFailure"/> says so, and the redelivered copy meets the
    /// inbox record the batch wrote. The unit also carries <paramref name="carried"/> (see <see cref="CanCarry"/>), and tells
    /// each of them how it ended, whatever happens.
    /// </summary>
    Task<CompletedCommit> CommitAndCompleteAsync(WriteBatch batch, IMessageSettlement settlement, IReadOnlyList<ICarriedWrite> carried,
        CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ICompletingStore.CommitAndCompleteAsync"/> did: the batch's ETags, and why the message was not completed, if it was not.</summary>
public sealed record CompletedCommit(BatchResult Batch, Exception? CompletionFailure);
