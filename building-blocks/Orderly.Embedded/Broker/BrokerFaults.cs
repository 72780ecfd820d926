namespace Orderly.Embedded.Broker;

/// <summary>
/// The fault-injection seams of the embedded broker, for the fault suite; both shut by default. A pause: receivers get nothing
/// (sends are still taken), as when Service Bus stops delivering for a while. Duplicate deliveries: a message completed
/// while the window is open comes back, until it has been delivered 2 or 3 times (by its sequence number), as when a
/// lock is lost just after the work was done; consumers must turn each into one effect. A corruption: one message of a
/// real flow goes on the wire rewritten, as when a sender's bug breaks it; its consumer must dead-letter it, saying why.
/// </summary>
public sealed class BrokerFaults(TimeProvider time)
{
    /// <summary>While open, receives return nothing.</summary>
    public FaultWindow Pause { get; } = new(time);

    /// <summary>While open, completing a message delivers it again, up to <see cref="DeliveriesWanted"/> times in all.</summary>
    public FaultWindow DuplicateDeliveries { get; } = new(time);

    private Corruption? _corruption;

    /// <summary>
    /// Arms a one-shot corruption: the next message sent to <paramref name="destination"/> whose body contains
    /// <paramref name="marker"/> is stored as <paramref name="rewrite"/> makes its body. A new call replaces an unspent one.
    /// </summary>
    public void CorruptNext(string destination, string marker, Func<byte[], byte[]> rewrite) =>
        Volatile.Write(ref _corruption, new Corruption(destination, System.Text.Encoding.UTF8.GetBytes(marker), rewrite));

    /// <summary>The body as it goes on the wire: <paramref name="body"/> itself unless an armed corruption matches it (once).</summary>
    internal byte[] Sent(string destination, byte[] body)
    {
        if (Volatile.Read(ref _corruption) is not { } armed
            || armed.Destination != destination
            || body.AsSpan().IndexOf(armed.Marker) < 0
            || Interlocked.CompareExchange(ref _corruption, null, armed) != armed)
        {
            return body;
        }
        return armed.Rewrite(body);
    }

    /// <summary>How many deliveries a message gets while duplicates are on: 2 or 3, alternating by sequence number.</summary>
    public static int DeliveriesWanted(long sequence) => 2 + (int)(sequence % 2);

    private sealed record Corruption(string Destination, byte[] Marker, Func<byte[], byte[]> Rewrite);
}
