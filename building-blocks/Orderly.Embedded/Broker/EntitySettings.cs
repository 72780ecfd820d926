namespace Orderly.Embedded.Broker;

/// <summary>
/// How one broker entity behaves, as its Service Bus counterpart is configured in Bicep: lock duration and max delivery count
/// for what is received from it (queues, subscriptions), the duplicate-detection window for what is sent to it (queues, topics).
/// </summary>
public sealed record EntitySettings(TimeSpan LockDuration, int MaxDeliveryCount, TimeSpan DuplicateDetectionWindow)
{
    /// <summary>30 s lock, 10 deliveries, 10 min duplicate window (the Service Bus defaults, lock shortened for local work).</summary>
    public static EntitySettings Default { get; } = new(TimeSpan.FromSeconds(30), 10, TimeSpan.FromMinutes(10));
}
