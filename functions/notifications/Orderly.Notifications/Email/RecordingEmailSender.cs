using Microsoft.Extensions.Logging;
using Orderly.Notifications.Domain;
using Orderly.Storage;

namespace Orderly.Notifications.Email;

/// <summary>
/// The default email adapter: "sending" is recording the notification in the store, where <c>GET /api/notifications</c> shows it.
/// The record is created with its derived id, so a second send of the same message finds it there and changes nothing.
/// </summary>
public sealed class RecordingEmailSender(IDocumentStore store, TimeProvider time, ILogger<RecordingEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var notification = Notification.Sent(message, time.GetUtcNow());
        try
        {
            await store.CreateAsync(Notification.PartitionFor(message.CustomerId), Notification.DocumentIdFor(message.NotificationId),
                Notification.DocumentKind, notification, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Notification {NotificationId} ({Kind}) recorded for order {OrderId}",
                message.NotificationId, message.Kind, message.OrderId);
        }
        catch (DocumentConflictException)
        {
            // Already sent (an earlier delivery of the same event): one notification per (order, kind).
        }
    }
}
