namespace Orderly.Notifications.Domain;

/// <summary>What a notification tells the customer; one of each per order at most.</summary>
public static class NotificationKind
{
    public const string OrderReceived = "order-received";
    public const string OrderConfirmed = "order-confirmed";
    public const string OrderCancelled = "order-cancelled";
}
