using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Handlers;

/// <summary>
/// Hands a base service's reply to the waiting saga: instance = the correlation id (the order id), event name = the reply's
/// causation id (the command's deterministic message id). The whole envelope is the payload.
/// </summary>
public abstract class ReplyHandler<TReply>(ISagaEventRaiser sagas) : IMessageHandler<TReply>
    where TReply : notnull
{
    public string PartitionKeyFor(TReply message) => OrderIdOf(message);

    public Task HandleAsync(TReply message, MessageContext context, CancellationToken cancellationToken)
    {
        var envelope = context.Envelope;
        if (string.IsNullOrEmpty(envelope.CausationId))
            throw new PermanentFailureException(ContractViolationReason.InvalidData, $"{envelope.Type} {envelope.Id} has no causationid: no saga step waits for it");
        if (envelope.CorrelationId != OrderIdOf(message))
            throw new PermanentFailureException(ContractViolationReason.InvalidData,
                $"{envelope.Type} {envelope.Id} is correlated with '{envelope.CorrelationId}' but is about order '{OrderIdOf(message)}'");
        return sagas.RaiseEventAsync(envelope.CorrelationId, envelope.CausationId, envelope, cancellationToken);
    }

    /// <summary>The order the reply is about.</summary>
    protected abstract string OrderIdOf(TReply message);
}
