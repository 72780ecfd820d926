using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Handlers;

/// <summary>
/// Hands a base service's reply to the waiting saga: instance = the correlation id (the order id), event name = the reply's
/// causation id (the command's deterministic message id). The whole envelope is the payload.
/// </summary>
/// <remarks>
/// Only a reply that could answer a step of its order is raised: its causation id must be one of that order's step ids
/// (<see cref="CheckoutMessageIds"/>) and the step's command must be answered with this reply's type
/// (<see cref="ReplyCheck.Answers"/>). Anything else (another order's step, a step the saga does not have, PaymentCaptured
/// for AuthorizePayment) is dead-lettered with <see cref="UnexpectedReply"/>, which the pipeline logs as an error: raised, it
/// would either lie unread in the instance or take the place of the step's real answer. Whether the reply matches what the
/// step asked (amounts, ids) only the saga knows; it checks that itself.
/// </remarks>
public abstract class ReplyHandler<TReply>(ISagaEventRaiser sagas) : IMessageHandler<TReply>
    where TReply : notnull
{
    /// <summary>The dead-letter reason of a reply that answers no step of its order's saga.</summary>
    public const string UnexpectedReply = "unexpected-reply";

    public string PartitionKeyFor(TReply message) => OrderIdOf(message);

    public Task HandleAsync(TReply message, MessageContext context, CancellationToken cancellationToken)
    {
        var envelope = context.Envelope;
        if (string.IsNullOrEmpty(envelope.CausationId))
            throw new PermanentFailureException(ContractViolationReason.InvalidData, $"{envelope.Type} {envelope.Id} has no causationid: no saga step waits for it");
        if (envelope.CorrelationId != OrderIdOf(message))
            throw new PermanentFailureException(ContractViolationReason.InvalidData,
                $"{envelope.Type} {envelope.Id} is correlated with '{envelope.CorrelationId}' but is about order '{OrderIdOf(message)}'");
        if (!CheckoutMessageIds.TryReadStep(envelope.CausationId, envelope.CorrelationId, out var step))
            throw new PermanentFailureException(UnexpectedReply,
                $"{envelope.Type} {envelope.Id} answers '{envelope.CausationId}', which is no checkout step of order '{envelope.CorrelationId}'");
        if (!ReplyCheck.Answers(step, typeof(TReply)))
            throw new PermanentFailureException(UnexpectedReply,
                $"{envelope.Type} {envelope.Id} answers '{envelope.CausationId}', but {step} is never answered with {typeof(TReply).Name}");
        // Where the saga's journal shares the reply's unit of work (embedded), the turn this reply wakes commits in that unit:
        // the event is journaled if and only if the reply is recorded as handled and completed, at the cost of one unit.
        return sagas is ICarriedEventRaiser carrying
            ? carrying.RaiseEventAsync(envelope.CorrelationId, envelope.CausationId, envelope, context.Carry, cancellationToken)
            : sagas.RaiseEventAsync(envelope.CorrelationId, envelope.CausationId, envelope, cancellationToken);
    }

    /// <summary>The order the reply is about.</summary>
    protected abstract string OrderIdOf(TReply message);
}
