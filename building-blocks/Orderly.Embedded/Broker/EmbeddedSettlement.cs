using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>Settles one delivery of one message; valid only while the lock taken by that delivery holds.</summary>
internal sealed class EmbeddedSettlement(EmbeddedBroker broker, string entity, long sequence, string messageId, string lockToken)
    : IMessageSettlement
{
    public EmbeddedBroker Broker { get; } = broker;
    public string Entity { get; } = entity;
    public long Sequence { get; } = sequence;
    public string MessageId { get; } = messageId;
    public string LockToken { get; } = lockToken;

    public Task CompleteAsync(CancellationToken cancellationToken = default) => Broker.CompleteOneAsync(this, cancellationToken);

    public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default) =>
        Broker.AbandonAsync(this, delay, spendsAttempt, cancellationToken);

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default) =>
        Broker.DeadLetterAsync(this, reason, description, cancellationToken);
}
