using Orderly.ConsumerPipeline;
using Orderly.Notifications.Domain;
using Orderly.Notifications.Email;

namespace Orderly.Notifications.Handlers;

/// <summary>Sends a customer message once: a notification already recorded for (order, kind) is not sent again.</summary>
internal static class CustomerNotifier
{
    public static async Task SendOnceAsync(IEmailSender sender, MessageContext context, EmailMessage message, CancellationToken ct)
    {
        var recorded = await context.Store.ReadAsync(Notification.PartitionFor(message.CustomerId),
            Notification.DocumentIdFor(message.NotificationId), ct).ConfigureAwait(false);
        if (recorded is not null) return;
        await sender.SendAsync(message, ct).ConfigureAwait(false);
    }
}
