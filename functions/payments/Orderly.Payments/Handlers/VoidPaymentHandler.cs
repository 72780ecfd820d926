using Orderly.ConsumerPipeline;
using Orderly.Contracts.Payments;
using Orderly.Payments.Domain;
using Orderly.Payments.Provider;
using Orderly.Storage;

namespace Orderly.Payments.Handlers;

/// <summary>
/// Voids the order's authorization (compensation): safe before, after or without one. With none, it leaves a Voided
/// tombstone so a late AuthorizePayment is declined without calling the provider. A captured payment cannot be voided:
/// that is a permanent failure (dead-letter; it needs a refund, which is a person's decision).
/// </summary>
public sealed class VoidPaymentHandler(IPaymentProvider provider) : IMessageHandler<VoidPayment>
{
    public string PartitionKeyFor(VoidPayment message) => message.OrderId;

    public async Task HandleAsync(VoidPayment message, MessageContext context, CancellationToken cancellationToken)
    {
        var doc = await context.Store.ReadAsync(message.OrderId, Payment.Kind, cancellationToken);
        if (doc is null)
        {
            try
            {
                // Written at once (not in the batch) so that an authorization racing with us sees it and undoes itself.
                await context.Store.CreateAsync(message.OrderId, Payment.Kind, Payment.Kind,
                    Payment.VoidedBeforeAuthorization(message.OrderId, context.Now), cancellationToken);
                context.Reply(new PaymentVoided(message.OrderId, null));
                return;
            }
            catch (DocumentConflictException)
            {
                doc = await context.Store.ReadAsync(message.OrderId, Payment.Kind, cancellationToken)
                    ?? throw new InvalidOperationException($"The payment of order {message.OrderId} vanished after a conflict.");
            }
        }

        var payment = doc.As<Payment>();
        if (payment.Status == PaymentStatus.Captured)
            throw new PermanentFailureException("payment-captured", $"The payment of order {message.OrderId} is captured; it cannot be voided, only refunded.");
        if (payment.HoldsAuthorization)
        {
            await provider.VoidAsync(payment.ProviderReference!, cancellationToken);
            payment.Void(context.Now);
            context.Batch.Replace(Payment.Kind, Payment.Kind, payment, doc.ETag);
        }
        context.Reply(new PaymentVoided(message.OrderId, payment.Status == PaymentStatus.Voided ? payment.PaymentId : null));
    }
}
