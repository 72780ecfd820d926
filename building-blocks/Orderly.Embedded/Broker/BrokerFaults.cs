namespace Orderly.Embedded.Broker;

/// <summary>
/// The fault-injection seams of the embedded broker, for the fault suite; both shut by default. A pause: receivers get nothing
/// (sends are still taken), as when Service Bus stops delivering for a while. Duplicate deliveries: a message completed
/// while the window is open comes back, until it has been delivered 2 or 3 times (by its sequence number), as when a
/// lock is lost just after the work was done; consumers must turn each into one effect.
/// </summary>
public sealed class BrokerFaults(TimeProvider time)
{
    /// <summary>While open, receives return nothing.</summary>
    public FaultWindow Pause { get; } = new(time);

    /// <summary>While open, completing a message delivers it again, up to <see cref="DeliveriesWanted"/> times in all.</summary>
    public FaultWindow DuplicateDeliveries { get; } = new(time);

    /// <summary>How many deliveries a message gets while duplicates are on: 2 or 3, alternating by sequence number.</summary>
    public static int DeliveriesWanted(long sequence) => 2 + (int)(sequence % 2);
}
