using Orderly.Messaging;

namespace Orderly.Outbox;

/// <summary>
/// An outbox feed that can put records on the bus and acknowledge them in one unit of work, because the bus keeps its messages
/// in the same database (embedded mode: store and broker in one SQLite file). A relayed record then costs one commit instead of
/// two, and there is no window between publish and acknowledge in which a crash sends it twice. Cosmos DB and Service Bus share
/// no transaction: there the relay publishes, then acknowledges.
/// </summary>
public interface IPublishingFeed
{
    /// <summary>True when <paramref name="publisher"/> is a bus in this feed's own database.</summary>
    bool CanPublishTo(IMessagePublisher publisher);

    /// <summary>
    /// Publishes <paramref name="messages"/> (made from <paramref name="records"/>, in order) through <paramref name="publisher"/>
    /// and acknowledges the records, all or nothing.
    /// </summary>
    Task PublishAndAcknowledgeAsync(IMessagePublisher publisher, IReadOnlyList<OutgoingMessage> messages, IReadOnlyList<PendingOutboxRecord> records,
        CancellationToken cancellationToken = default);
}
