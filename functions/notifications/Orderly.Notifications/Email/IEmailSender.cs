using Orderly.Notifications.Domain;

namespace Orderly.Notifications.Email;

/// <summary>
/// Sends an email to a customer. Delivery is at-least-once: a caller may send the same <see cref="EmailMessage"/> again after
/// a crash, so an adapter must treat <see cref="EmailMessage.NotificationId"/> as an idempotency key.
/// </summary>
/// <remarks>
/// The dual write "send, then record" is settled like this. The default <see cref="RecordingEmailSender"/> sends by recording,
/// so both are one write. A real provider adapter (added later) would call the provider with NotificationId as its idempotency
/// key (most email APIs accept one, or it can go in a Message-ID header the provider deduplicates on) and then record the
/// notification through <see cref="RecordingEmailSender"/>. A crash between the two leaves no record, so the redelivered event
/// sends again under the same key, which the provider drops, and then records.
/// </remarks>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}
