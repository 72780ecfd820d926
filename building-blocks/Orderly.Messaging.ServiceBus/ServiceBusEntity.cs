using System.Globalization;

namespace Orderly.Messaging.ServiceBus;

/// <summary>Service Bus entity facts the adapters decide on: entity paths, dead-letter ids and how a retry is carried out.</summary>
public static class ServiceBusEntity
{
    /// <summary>
    /// The longest a subscription retry holds its message before abandoning it: under the one-minute lock duration
    /// (the host renews locks beyond it anyway), and short enough not to pin a concurrency slot for long.
    /// </summary>
    public static readonly TimeSpan MaxSubscriptionHold = TimeSpan.FromSeconds(30);

    /// <summary>Whether an entity path names a topic subscription (<c>topic/subscriptions/name</c>) rather than a queue.</summary>
    public static bool IsSubscription(string entity, out string topic, out string subscription)
    {
        var parts = entity.Split("/subscriptions/", 2);
        topic = parts[0];
        subscription = parts.Length == 2 ? parts[1] : "";
        return parts.Length == 2;
    }

    /// <summary>The triage id of a dead letter: its entity and its sequence number there.</summary>
    public static string DeadLetterId(string entity, long sequenceNumber) =>
        $"{entity}|{sequenceNumber.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The entity and sequence number of a triage id; throws <see cref="ArgumentException"/> for anything else.</summary>
    public static (string Entity, long SequenceNumber) ParseDeadLetterId(string id)
    {
        var at = id.LastIndexOf('|');
        if (at <= 0 || !long.TryParse(id.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            throw new ArgumentException($"'{id}' is not a dead-letter id (entity|sequence number)", nameof(id));
        return (id[..at], sequence);
    }

    /// <summary>How a retry after <paramref name="delay"/> is carried out on <paramref name="entity"/>.</summary>
    public static RetryPlan PlanRetry(string entity, TimeSpan delay, DateTimeOffset now) =>
        IsSubscription(entity, out _, out _)
            // Service Bus cannot schedule into one subscription: a send to the topic would reach every subscription.
            ? new RetryPlan.HoldThenAbandon(delay < TimeSpan.Zero ? TimeSpan.Zero : delay < MaxSubscriptionHold ? delay : MaxSubscriptionHold)
            : new RetryPlan.ScheduleCopy(entity, now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay));
}

/// <summary>A retry, as Service Bus allows it for the entity.</summary>
public abstract record RetryPlan
{
    private RetryPlan()
    {
    }

    /// <summary>Send a copy (new message id, attempt count carried) to <paramref name="Queue"/> for <paramref name="EnqueueAt"/>, then complete the original.</summary>
    public sealed record ScheduleCopy(string Queue, DateTimeOffset EnqueueAt) : RetryPlan;

    /// <summary>Keep the lock for <paramref name="Hold"/>, then abandon: the broker redelivers and counts the delivery.</summary>
    public sealed record HoldThenAbandon(TimeSpan Hold) : RetryPlan;
}
