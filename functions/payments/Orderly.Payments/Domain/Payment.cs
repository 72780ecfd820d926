using System.Text.Json.Serialization;
using Orderly.Contracts;

namespace Orderly.Payments.Domain;

/// <summary>Where a payment stands: Authorized → Captured → Refunded, or Authorized → Voided; or Declined from the start.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PaymentStatus>))]
public enum PaymentStatus
{
    Authorized,
    Captured,
    Voided,
    Declined,
    Refunded,
}

/// <summary>
/// The payment of one order (partition = order id). Only an authorized payment can be captured; a captured one cannot be
/// voided, only refunded.
/// A Voided payment without an authorization is a tombstone: a late authorization for the order is refused.
/// </summary>
public sealed class Payment
{
    /// <summary>The document kind and id in the order's partition.</summary>
    public const string Kind = "payment";

    [JsonConstructor]
    private Payment(string orderId, string? paymentId, PaymentStatus status, Money? amount, string? providerReference,
        string? declineReason, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        OrderId = orderId;
        PaymentId = paymentId;
        Status = status;
        Amount = amount;
        ProviderReference = providerReference;
        DeclineReason = declineReason;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
    }

    public string OrderId { get; private set; }

    /// <summary>Our id of the payment; null for a tombstone (voided before any authorization).</summary>
    public string? PaymentId { get; private set; }

    public PaymentStatus Status { get; private set; }

    public Money? Amount { get; private set; }

    /// <summary>The provider's id of the authorization, needed to capture or void it.</summary>
    public string? ProviderReference { get; private set; }

    public string? DeclineReason { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The provider authorized the amount.</summary>
    public static Payment Authorized(string orderId, string paymentId, Money amount, string providerReference, DateTimeOffset now) =>
        new(orderId, paymentId, PaymentStatus.Authorized, amount, providerReference, null, now, now);

    /// <summary>The provider declined the amount.</summary>
    public static Payment Declined(string orderId, string paymentId, Money amount, string reason, DateTimeOffset now) =>
        new(orderId, paymentId, PaymentStatus.Declined, amount, null, reason, now, now);

    /// <summary>A tombstone: the order's payment was voided before it was authorized.</summary>
    public static Payment VoidedBeforeAuthorization(string orderId, DateTimeOffset now) =>
        new(orderId, null, PaymentStatus.Voided, null, null, null, now, now);

    /// <summary>Whether the provider still has to capture or void this payment's authorization.</summary>
    [JsonIgnore]
    public bool HoldsAuthorization => Status == PaymentStatus.Authorized;

    /// <summary>The authorized amount is taken; false when it already was (idempotent).</summary>
    public bool Capture(DateTimeOffset now)
    {
        if (Status == PaymentStatus.Captured) return false;
        if (Status != PaymentStatus.Authorized)
            throw new PaymentRuleViolationException($"Payment of order {OrderId} is {Status}: only an authorized payment can be captured.");
        Status = PaymentStatus.Captured;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// The captured amount is given back; false when it already was (idempotent). What a compensation does to a capture that
    /// happened after the saga stopped waiting for it: the money moved, so it can only move back.
    /// </summary>
    public bool Refund(DateTimeOffset now)
    {
        if (Status == PaymentStatus.Refunded) return false;
        if (Status != PaymentStatus.Captured)
            throw new PaymentRuleViolationException($"Payment of order {OrderId} is {Status}: only a captured payment can be refunded.");
        Status = PaymentStatus.Refunded;
        UpdatedAt = now;
        return true;
    }

    /// <summary>The authorization is given up; false when nothing stood (already voided, or declined). A captured payment cannot be voided.</summary>
    public bool Void(DateTimeOffset now)
    {
        if (Status == PaymentStatus.Captured)
            throw new PaymentRuleViolationException($"Payment of order {OrderId} is captured: it cannot be voided (it needs a refund).");
        if (Status != PaymentStatus.Authorized) return false;
        Status = PaymentStatus.Voided;
        UpdatedAt = now;
        return true;
    }
}

/// <summary>A payment act the payment's state does not allow.</summary>
public sealed class PaymentRuleViolationException(string message) : Exception(message);
