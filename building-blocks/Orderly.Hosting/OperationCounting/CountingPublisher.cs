using System.Runtime.InteropServices;
using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Hosting.OperationCounting;

/// <summary>
/// A publisher that counts each message as the Service Bus send it is in Azure, with its size (the envelope's JSON, reckoned
/// from its fields without writing it again), then passes the messages on unchanged.
/// </summary>
public sealed class CountingPublisher(IMessagePublisher inner, OperationCounts counts) : IMessagePublisher
{
    public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        await inner.PublishAsync(messages, cancellationToken).ConfigureAwait(false);
        Sent(messages);
    }

    /// <summary>The publisher under the counting one (a feed publishing in its own commit needs the broker).</summary>
    public static IMessagePublisher Unwrap(IMessagePublisher publisher) => publisher is CountingPublisher counting ? counting.Inner : publisher;

    private IMessagePublisher Inner => inner;

    /// <summary>Counts messages sent on this publisher's behalf (by an outbox feed, in the unit of work that acknowledges them).</summary>
    public void Sent(IReadOnlyList<OutgoingMessage> messages)
    {
        foreach (var message in messages)
            counts.Add(Operations.ServiceBusSend, BytesOf(message.Envelope));
    }

    // The envelope's JSON: its field names, punctuation and time (about 200 bytes) and its values; ids and names are ASCII.
    private static long BytesOf(Envelope e) =>
        200 + e.Id.Length + e.Type.Length + e.Source.Length + (e.Subject?.Length ?? 0) + e.CorrelationId.Length
        + (e.CausationId?.Length ?? 0) + (e.TraceParent?.Length ?? 0) + (e.ReplyTo?.Length ?? 0) + JsonMarshal.GetRawUtf8Value(e.Data).Length;
}
