using Microsoft.Extensions.Logging;
using Orderly.Contracts;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.ConsumerPipeline;

/// <summary>What a handler gets besides its message: the incoming envelope, its store, a batch for its partition, and outgoing messages.</summary>
public sealed class MessageContext
{
    private readonly List<OutgoingMessage> _outgoing = [];
    private List<ICarriedWrite>? _carried;

    public MessageContext(Envelope envelope, IDocumentStore store, WriteBatch batch, EnvelopeFactory envelopes, ILogger logger)
    {
        Envelope = envelope;
        Store = store;
        Batch = batch;
        Envelopes = envelopes;
        Logger = logger;
    }

    /// <summary>The message as received (ids, correlation, reply-to).</summary>
    public Envelope Envelope { get; }

    /// <summary>The context's own store, for reads (and for writes to other partitions that are idempotent by design).</summary>
    public IDocumentStore Store { get; }

    /// <summary>Writes to the handler's partition; committed with the inbox record and the outgoing messages, atomically.</summary>
    public WriteBatch Batch { get; }

    public EnvelopeFactory Envelopes { get; }

    public ILogger Logger { get; }

    /// <summary>The current time of the context's clock.</summary>
    public DateTimeOffset Now => Envelopes.Time.GetUtcNow();

    /// <summary>Messages staged so far; the pipeline writes them to the outbox in the batch.</summary>
    public IReadOnlyList<OutgoingMessage> Outgoing => _outgoing;

    /// <summary>
    /// Hands <paramref name="write"/> to this message's unit of work, which commits it all or nothing with the batch, the inbox
    /// record and the message's completion; false when that unit cannot carry it (the store and the bus share no database with it).
    /// </summary>
    public bool Carry(ICarriedWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (Unit is not { } store || !store.CanCarry(write)) return false;
        (_carried ??= []).Add(write);
        return true;
    }

    /// <summary>The store that commits and completes this message in one unit, when it does (set by the pipeline).</summary>
    internal ICompletingStore? Unit { get; init; }

    /// <summary>The writes handed to this message's unit (<see cref="Carry"/>).</summary>
    internal IReadOnlyList<ICarriedWrite> Carried => _carried ?? [];

    /// <summary>Sends a command to a queue, correlated with the incoming message.</summary>
    public void Send<T>(string queue, T command, string? replyTo = null) where T : notnull =>
        _outgoing.Add(Envelopes.FollowUp(Envelope, queue, command, replyTo));

    /// <summary>Publishes an event to a topic, correlated with the incoming message.</summary>
    public void Publish<T>(string topic, T @event) where T : notnull =>
        _outgoing.Add(Envelopes.FollowUp(Envelope, topic, @event));

    /// <summary>Replies to the queue named in the incoming command's reply-to; a command without one is a contract violation.</summary>
    public void Reply<T>(T reply) where T : notnull =>
        _outgoing.Add(Envelopes.FollowUp(Envelope,
            Envelope.ReplyTo ?? throw new ContractViolationException(ContractViolationReason.InvalidData, $"{Envelope.Type} has no replyto to answer"),
            reply));
}
