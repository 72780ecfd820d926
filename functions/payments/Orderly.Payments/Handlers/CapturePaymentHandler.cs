using Orderly.ConsumerPipeline;
using Orderly.Contracts.Payments;
using Orderly.Payments.Domain;
using Orderly.Payments.Provider;

namespace Orderly.Payments.Handlers;

/// <summary>
/// Captures the order's authorized payment. Captured already: the same reply again. Not authorized (none, declined, voided)
/// or another payment id: PaymentCaptureFailed naming why. Provider failures are transient and retried by the pipeline.
/// </summary>
public sealed class CapturePaymentHandler(IPaymentProvider provider) : IMessageHandler<CapturePayment>
{
    public string PartitionKeyFor(CapturePayment message) => message.OrderId;

    public async Task HandleAsync(CapturePayment message, MessageContext context, CancellationToken cancellationToken)
    {
        var doc = await context.Store.ReadAsync(message.OrderId, Payment.Kind, cancellationToken);
        var payment = doc?.As<Payment>();
        if (payment is null || payment.PaymentId != message.PaymentId)
        {
            context.Reply(new PaymentCaptureFailed(message.OrderId, message.PaymentId, payment is null ? "not-authorized" : "unknown-payment"));
            return;
        }
        switch (payment.Status)
        {
            case PaymentStatus.Captured:
                context.Reply(new PaymentCaptured(message.OrderId, message.PaymentId, payment.Amount!));
                return;
            case PaymentStatus.Voided:
                context.Reply(new PaymentCaptureFailed(message.OrderId, message.PaymentId, "voided"));
                return;
            case PaymentStatus.Refunded:
                context.Reply(new PaymentCaptureFailed(message.OrderId, message.PaymentId, "refunded"));
                return;
            case PaymentStatus.Declined:
                context.Reply(new PaymentCaptureFailed(message.OrderId, message.PaymentId, "not-authorized"));
                return;
        }

        await provider.CaptureAsync(payment.ProviderReference!, cancellationToken);
        payment.Capture(context.Now);
        context.Batch.Replace(Payment.Kind, Payment.Kind, payment, doc!.ETag);
        context.Reply(new PaymentCaptured(message.OrderId, message.PaymentId, payment.Amount!));
    }
}
