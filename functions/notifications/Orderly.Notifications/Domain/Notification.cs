namespace Orderly.Notifications.Domain;

/// <summary>
/// A message sent to a customer, as recorded (document kind <c>notification</c>, partition <c>customer:{customerId}</c>,
/// id <c>notification:{notificationId}</c>): the record of what was sent and the guard against sending it twice.
/// </summary>
public sealed record Notification(string NotificationId, string CustomerId, string OrderId, string Kind, string Subject, string Body, DateTimeOffset SentAt)
{
    public const string DocumentKind = "notification";

    /// <summary>The partition holding a customer's notifications.</summary>
    public static string PartitionFor(string customerId) => "customer:" + customerId;

    /// <summary>The document id of a notification.</summary>
    public static string DocumentIdFor(string notificationId) => "notification:" + notificationId;

    /// <summary>The record of <paramref name="message"/> sent at <paramref name="sentAt"/>.</summary>
    public static Notification Sent(EmailMessage message, DateTimeOffset sentAt) =>
        new(message.NotificationId, message.CustomerId, message.OrderId, message.Kind, message.Subject, message.Body, sentAt);
}
