using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

namespace Orderly.Messaging.ServiceBus;

/// <summary>
/// Settles a message delivered to a Service Bus trigger (AutoCompleteMessages = false) the way the consumer pipeline decides.
/// The trigger has no retry with backoff (azure-functions-dotnet-worker #3425), so a retry on a queue schedules a copy
/// and completes the original; a dead-letter reason can fail to stick (#2840), so it is also logged and stamped as a property.
/// </summary>
public sealed class ServiceBusSettlement(
    IServiceBusDelivery delivery,
    string entity,
    ServiceBusSenders senders,
    ILogger logger,
    TimeProvider? time = null) : IMessageSettlement
{
    /// <summary>Application property that keeps the dead-letter reason where Service Bus may drop it.</summary>
    public const string ReasonProperty = "orderly-dead-letter-reason";

    /// <summary>Application property that keeps the dead-letter description where Service Bus may drop it.</summary>
    public const string DescriptionProperty = "orderly-dead-letter-description";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task CompleteAsync(CancellationToken cancellationToken = default) => delivery.CompleteAsync(cancellationToken);

    public async Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default)
    {
        switch (ServiceBusEntity.PlanRetry(entity, delay, _time.GetUtcNow()))
        {
            case RetryPlan.HoldThenAbandon hold:
                // Service Bus counts this delivery whatever we say: on a subscription a deferral spends an attempt (documented).
                if (hold.Hold > TimeSpan.Zero) await Task.Delay(hold.Hold, _time, cancellationToken).ConfigureAwait(false);
                await delivery.AbandonAsync(cancellationToken).ConfigureAwait(false);
                break;

            case RetryPlan.ScheduleCopy plan:
                var copy = RetryCopy(delivery.Message, entity, plan.EnqueueAt, spendsAttempt);
                await senders.For(plan.Queue).SendMessageAsync(copy, cancellationToken).ConfigureAwait(false);
                // If completing fails after the copy was sent, the original comes back too: the pipeline's inbox makes it one effect.
                await delivery.CompleteAsync(cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Message {MessageId} on {Entity} retried as {CopyId} at {EnqueueAt} (attempt {Attempt})",
                    delivery.Message.MessageId, entity, copy.MessageId, plan.EnqueueAt, copy.ApplicationProperties[ReceivedMessage.PriorAttemptsProperty]);
                break;
        }
    }

    public async Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default)
    {
        logger.LogWarning("Dead-lettering message {MessageId} on {Entity}: {Reason}: {Description}",
            delivery.Message.MessageId, entity, reason, description);
        await delivery.DeadLetterAsync(DeadLetterStamp(reason, description), reason, description, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The scheduled copy that stands for a retry of <paramref name="message"/>: body, headers and properties kept, a NEW
    /// message id (a copy under the original id would be dropped by duplicate detection), and the attempts made so far,
    /// since the copy's own DeliveryCount starts again at 1. A deferral (<paramref name="spendsAttempt"/> false) gives this
    /// attempt back, so the copy's first delivery has the same attempt number, and counts one more deferral.
    /// </summary>
    public static ServiceBusMessage RetryCopy(ServiceBusReceivedMessage message, string entity, DateTimeOffset enqueueAt, bool spendsAttempt = true)
    {
        var copy = new ServiceBusMessage(message)
        {
            MessageId = Guid.CreateVersion7().ToString("N"),
            ScheduledEnqueueTime = enqueueAt,
        };
        var received = message.ToReceivedMessage(entity);
        copy.ApplicationProperties[ReceivedMessage.PriorAttemptsProperty] = spendsAttempt ? received.Attempt : received.Attempt - 1;
        if (!spendsAttempt) copy.ApplicationProperties[ReceivedMessage.DeferralsProperty] = received.Deferrals + 1;
        return copy;
    }

    /// <summary>The properties a dead-lettered message is stamped with, so triage can read the reason when the broker's is lost (#2840).</summary>
    public static Dictionary<string, object> DeadLetterStamp(string reason, string description) => new()
    {
        [ReasonProperty] = reason,
        [DescriptionProperty] = description,
    };
}
