namespace Orderly.Orders.Domain;

/// <summary>The order refuses an act its state forbids (confirm after cancel, cancel after confirm); <see cref="Reason"/> is a stable code.</summary>
public sealed class OrderRefusedException(string reason, string message) : Exception(message)
{
    public const string AlreadyCancelled = "order-already-cancelled";
    public const string AlreadyConfirmed = "order-already-confirmed";
    public const string ConfirmedAtAnotherTotal = "order-confirmed-at-another-total";

    /// <summary>Kebab-case reason code, used as the dead-letter reason.</summary>
    public string Reason { get; } = reason;
}
