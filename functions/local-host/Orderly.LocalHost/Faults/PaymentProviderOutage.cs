using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Payments.Provider;

namespace Orderly.LocalHost.Faults;

/// <summary>
/// The payment provider as payments reaches it when fault injection is on: the configured provider, except that while
/// <see cref="Window"/> is open every call fails at once as an unreachable provider would (transient, so payments retries).
/// </summary>
public sealed class PaymentProviderOutage(IPaymentProvider provider, FaultWindow window) : IPaymentProvider
{
    public FaultWindow Window { get; } = window;

    public Task<AuthorizationResult> AuthorizeAsync(string orderId, string paymentToken, Money amount, CancellationToken cancellationToken)
    {
        ThrowIfDown("authorize");
        return provider.AuthorizeAsync(orderId, paymentToken, amount, cancellationToken);
    }

    public Task CaptureAsync(string providerReference, CancellationToken cancellationToken)
    {
        ThrowIfDown("capture");
        return provider.CaptureAsync(providerReference, cancellationToken);
    }

    public Task VoidAsync(string providerReference, CancellationToken cancellationToken)
    {
        ThrowIfDown("void");
        return provider.VoidAsync(providerReference, cancellationToken);
    }

    public Task RefundAsync(string providerReference, Money amount, CancellationToken cancellationToken)
    {
        ThrowIfDown("refund");
        return provider.RefundAsync(providerReference, amount, cancellationToken);
    }

    private void ThrowIfDown(string act)
    {
        if (Window.IsOpen)
            throw new PaymentProviderUnavailableException($"The payment provider could not be reached to {act} (outage injected for {Window.Remaining.TotalSeconds:F0} s more).");
    }
}
