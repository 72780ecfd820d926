using Microsoft.Extensions.Logging;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Payments;
using Orderly.Payments.Domain;
using Orderly.Payments.Provider;
using Orderly.Storage;

namespace Orderly.Payments.Handlers;

/// <summary>
/// Releases the order's money (compensation): voids the authorization, safe before, after or without one. With none, it
/// leaves a Voided tombstone so a late AuthorizePayment is declined without calling the provider. A payment already captured
/// is refunded: the saga compensates a capture whose reply it stopped waiting for (a provider slow past the step timeout),
/// and a capture that happened can only be undone forward. Either way the reply is PaymentVoided, and a repeat changes nothing.
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
        {
            await provider.RefundAsync(payment.ProviderReference!, payment.Amount!, cancellationToken);
            payment.Refund(context.Now);
            context.Batch.Replace(Payment.Kind, Payment.Kind, payment, doc.ETag);
            context.Logger.LogWarning("Payment {PaymentId} of order {OrderId} was captured after its checkout gave up; refunded {Amount} {Currency}",
                payment.PaymentId, message.OrderId, payment.Amount!.Amount, payment.Amount.Currency);
            context.Reply(new PaymentVoided(message.OrderId, payment.PaymentId));
            return;
        }
        if (payment.HoldsAuthorization)
        {
            await provider.VoidAsync(payment.ProviderReference!, cancellationToken);
            payment.Void(context.Now);
            context.Batch.Replace(Payment.Kind, Payment.Kind, payment, doc.ETag);
        }
        context.Reply(new PaymentVoided(message.OrderId, payment.Status is PaymentStatus.Voided or PaymentStatus.Refunded ? payment.PaymentId : null));
    }
}
