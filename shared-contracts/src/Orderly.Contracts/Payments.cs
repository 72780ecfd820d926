namespace Orderly.Contracts.Payments;

/// <summary>Command to payments: authorize this amount with the customer's payment token.</summary>
[MessageType("orderly.payments.authorize-payment.v1", MessageKind.Command)]
public sealed record AuthorizePayment(string OrderId, Money Amount, string PaymentToken);

/// <summary>
/// Reply: the amount is authorized; the payment id is what capture and void need. <paramref name="ProviderAttempts"/>
/// (optional, added within v1) is how many times the payments edge asked the provider before it answered (1 without retries);
/// absent when the reply repeats a stored outcome.
/// </summary>
[MessageType("orderly.payments.payment-authorized.v1", MessageKind.Reply)]
public sealed record PaymentAuthorized(string OrderId, string PaymentId, Money Amount, int? ProviderAttempts = null);

/// <summary>
/// Reply: the provider declined, or the payment was voided before it was authorized. <paramref name="ProviderAttempts"/> as on
/// <see cref="PaymentAuthorized"/>.
/// </summary>
[MessageType("orderly.payments.payment-declined.v1", MessageKind.Reply)]
public sealed record PaymentDeclined(string OrderId, string Reason, int? ProviderAttempts = null);

/// <summary>Command to payments: capture an authorized payment.</summary>
[MessageType("orderly.payments.capture-payment.v1", MessageKind.Command)]
public sealed record CapturePayment(string OrderId, string PaymentId);

/// <summary>Reply: the payment is captured.</summary>
[MessageType("orderly.payments.payment-captured.v1", MessageKind.Reply)]
public sealed record PaymentCaptured(string OrderId, string PaymentId, Money Amount);

/// <summary>Reply: the capture failed for good.</summary>
[MessageType("orderly.payments.payment-capture-failed.v1", MessageKind.Reply)]
public sealed record PaymentCaptureFailed(string OrderId, string PaymentId, string Reason);

/// <summary>
/// Command to payments (compensation): release the order's money. Voids the authorization (safe before, after or without
/// one), or refunds the payment if it was captured meanwhile.
/// </summary>
[MessageType("orderly.payments.void-payment.v1", MessageKind.Command)]
public sealed record VoidPayment(string OrderId);

/// <summary>Reply: no money of the order is held or taken (voided, or refunded), and a late authorization will be refused.</summary>
[MessageType("orderly.payments.payment-voided.v1", MessageKind.Reply)]
public sealed record PaymentVoided(string OrderId, string? PaymentId = null);
