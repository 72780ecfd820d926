using Orderly.Contracts;

namespace Orderly.Payments.Provider;

/// <summary>The payment provider port: authorize an amount against a customer's token, then capture or void it; refund a capture.</summary>
public interface IPaymentProvider
{
    /// <summary>
    /// Asks the provider to hold the amount of order <paramref name="orderId"/> (one payment per order: the provider's idempotency
    /// key, and what the circuit counts a failure against); a decline is an answer, a failure to answer is an exception (transient).
    /// </summary>
    Task<AuthorizationResult> AuthorizeAsync(string orderId, string paymentToken, Money amount, CancellationToken cancellationToken);

    /// <summary>Takes the held amount.</summary>
    Task CaptureAsync(string providerReference, CancellationToken cancellationToken);

    /// <summary>Releases the held amount.</summary>
    Task VoidAsync(string providerReference, CancellationToken cancellationToken);

    /// <summary>Gives a captured amount back (the provider's idempotency key is the reference: one refund per payment).</summary>
    Task RefundAsync(string providerReference, Money amount, CancellationToken cancellationToken);
}

/// <summary>The provider's answer to an authorization: approved with its reference, or declined with a reason.</summary>
public sealed record AuthorizationResult(bool Approved, string? ProviderReference, string? DeclineReason)
{
    /// <summary>How many times the provider was asked before it answered (the payments edge's retries; 1 from a provider itself).</summary>
    public int Attempts { get; init; } = 1;

    public static AuthorizationResult Approve(string providerReference) => new(true, providerReference, null);

    public static AuthorizationResult Decline(string reason) => new(false, null, reason);
}

/// <summary>The provider could not be reached or failed; trying again later can succeed.</summary>
public sealed class PaymentProviderUnavailableException(string message) : Exception(message);
