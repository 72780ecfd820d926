using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>Settles one delivery of one message; valid only while the lock taken by that delivery holds.</summary>
/// <remarks>
/// A delivery to a consumer loop (<see cref="Chains"/>) takes its successor with it: the unit of work that completes it also
/// locks the entity's next visible message for the same consumer slot (<see cref="TakeNext"/>), as Service Bus prefetch
/// does, so a busy entity costs no receive of its own per message. The lock counts a delivery and is durable before the next
/// message is handled, exactly as a receive's would be, so the poison-message guarantee holds across a crash.
/// </remarks>
internal sealed class EmbeddedSettlement(EmbeddedBroker broker, string entity, long sequence, string messageId, string lockToken)
    : IMessageSettlement
{
    private EmbeddedBroker.LockedRows? _next;

    public EmbeddedBroker Broker { get; } = broker;
    public string Entity { get; } = entity;
    public long Sequence { get; } = sequence;
    public string MessageId { get; } = messageId;
    public string LockToken { get; } = lockToken;

    /// <summary>True for a consumer loop's delivery: its completion locks the entity's next visible message for the same slot.</summary>
    public bool Chains { get; set; }

    public Task CompleteAsync(CancellationToken cancellationToken = default) => Broker.CompleteOneAsync(this, cancellationToken);

    public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default) =>
        Broker.AbandonAsync(this, delay, spendsAttempt, cancellationToken);

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default) =>
        Broker.DeadLetterAsync(this, reason, description, cancellationToken);

    /// <summary>Set once the completing unit has committed (never for a unit rolled back).</summary>
    internal void Chained(EmbeddedBroker.LockedRows next) => Volatile.Write(ref _next, next);

    /// <summary>The message the completion locked next (null when none was visible); taken once.</summary>
    public LockedMessage? TakeNext() =>
        Interlocked.Exchange(ref _next, null) is { } next ? Broker.Deliver(Entity, next, Broker.Time.GetUtcNow(), chains: true).SingleOrDefault() : null;
}
