using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Orderly.Messaging.ServiceBus;

/// <summary>
/// Settles a message delivered to a Service Bus trigger (AutoCompleteMessages = false) the way the consumer pipeline decides.
/// The trigger has no retry with backoff (azure-functions-dotnet-worker #3425), so a retry on a queue schedules a copy
/// and completes the original; a dead-letter reason can fail to stick (#2840), so it is also logged and stamped as a property.
/// </summary>
public sealed class ServiceBusSettlement(
    ServiceBusReceivedMessage message,
    ServiceBusMessageActions actions,
    string entity,
    ServiceBusSenders senders,
    ILogger logger,
    TimeProvider? time = null) : IMessageSettlement
{
    /// <summary>Application properties that keep the dead-letter reason where Service Bus may drop it.</summary>
    public const string ReasonProperty = "orderly-dead-letter-reason";
    public const string DescriptionProperty = "orderly-dead-letter-description";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task CompleteAsync(CancellationToken cancellationToken = default) =>
        actions.CompleteMessageAsync(message, cancellationToken);

    public async Task RetryLaterAsync(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        switch (ServiceBusEntity.PlanRetry(entity, delay, _time.GetUtcNow()))
        {
            case RetryPlan.HoldThenAbandon hold:
                if (hold.Hold > TimeSpan.Zero) await Task.Delay(hold.Hold, _time, cancellationToken).ConfigureAwait(false);
                await actions.AbandonMessageAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;

            case RetryPlan.ScheduleCopy plan:
                // The copy keeps body and properties but gets a NEW id: a copy with the original id would be dropped by
                // duplicate detection. It carries the attempts made so far, since its own DeliveryCount starts again at 1.
                var attempt = message.ToReceivedMessage(entity).Attempt;
                var copy = new ServiceBusMessage(message)
                {
                    MessageId = Guid.CreateVersion7().ToString("N"),
                    ScheduledEnqueueTime = plan.EnqueueAt,
                };
                copy.ApplicationProperties[ReceivedMessage.PriorAttemptsProperty] = attempt;
                await senders.For(plan.Queue).SendMessageAsync(copy, cancellationToken).ConfigureAwait(false);
                // If completing fails after the copy was sent, the original comes back too: the pipeline's inbox makes it one effect.
                await actions.CompleteMessageAsync(message, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Message {MessageId} on {Entity} retried as {CopyId} at {EnqueueAt} (attempt {Attempt})",
                    message.MessageId, entity, copy.MessageId, plan.EnqueueAt, attempt);
                break;
        }
    }

    public async Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default)
    {
        logger.LogWarning("Dead-lettering message {MessageId} on {Entity}: {Reason}: {Description}",
            message.MessageId, entity, reason, description);
        var properties = new Dictionary<string, object>
        {
            [ReasonProperty] = reason,
            [DescriptionProperty] = description,
        };
        await actions.DeadLetterMessageAsync(message, properties, reason, description, cancellationToken).ConfigureAwait(false);
    }
}
