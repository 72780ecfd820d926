using Orderly.ConsumerPipeline;
using Orderly.Contracts.Payments;
using Orderly.Payments.Domain;
using Orderly.Payments.Provider;
using Orderly.Storage;

namespace Orderly.Payments.Handlers;

/// <summary>
/// Authorizes the order's amount with the provider, once. A stored outcome is answered again without calling the provider;
/// a Voided tombstone answers PaymentDeclined(<c>voided</c>) and never calls it. The outcome is written before the reply:
/// as its own create, so that a VoidPayment tombstone written while the provider was deciding makes it fail, and the fresh
/// authorization is voided at once instead of being left standing. The reply then goes out in the handler's batch; a crash
/// in between is healed by the redelivery, which answers from the stored outcome.
/// </summary>
public sealed class AuthorizePaymentHandler(IPaymentProvider provider) : IMessageHandler<AuthorizePayment>
{
    public const string Declined = "declined";
    public const string Voided = "voided";

    public string PartitionKeyFor(AuthorizePayment message) => message.OrderId;

    public async Task HandleAsync(AuthorizePayment message, MessageContext context, CancellationToken cancellationToken)
    {
        var existing = await context.Store.ReadAsync(message.OrderId, Payment.Kind, cancellationToken);
        if (existing is not null)
        {
            ReplyWith(existing.As<Payment>(), context);
            return;
        }

        var result = await provider.AuthorizeAsync(message.OrderId, message.PaymentToken, message.Amount, cancellationToken);
        var paymentId = "pay_" + Guid.CreateVersion7().ToString("N");
        var payment = result.Approved
            ? Payment.Authorized(message.OrderId, paymentId, message.Amount, result.ProviderReference!, context.Now)
            : Payment.Declined(message.OrderId, paymentId, message.Amount, result.DeclineReason ?? Declined, context.Now);
        try
        {
            await context.Store.CreateAsync(message.OrderId, Payment.Kind, Payment.Kind, payment, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            // Someone wrote the order's payment while the provider was deciding (a VoidPayment tombstone, or a twin delivery).
            if (result.Approved)
                await provider.VoidAsync(result.ProviderReference!, cancellationToken);
            var winner = await context.Store.ReadAsync(message.OrderId, Payment.Kind, cancellationToken)
                ?? throw new InvalidOperationException($"The payment of order {message.OrderId} vanished after a conflict.");
            ReplyWith(winner.As<Payment>(), context);
            return;
        }
        ReplyWith(payment, context, result.Attempts);
    }

    /// <summary>Replies with the payment's outcome; <paramref name="providerAttempts"/> when this delivery asked the provider.</summary>
    private static void ReplyWith(Payment payment, MessageContext context, int? providerAttempts = null)
    {
        switch (payment.Status)
        {
            case PaymentStatus.Authorized or PaymentStatus.Captured:
                context.Reply(new PaymentAuthorized(payment.OrderId, payment.PaymentId!, payment.Amount!, providerAttempts));
                break;
            case PaymentStatus.Voided:
                context.Reply(new PaymentDeclined(payment.OrderId, Voided));
                break;
            default:
                context.Reply(new PaymentDeclined(payment.OrderId, payment.DeclineReason ?? Declined, providerAttempts));
                break;
        }
    }
}
