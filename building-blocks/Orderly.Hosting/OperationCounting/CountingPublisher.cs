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
        foreach (var message in messages)
            counts.Add(Operations.ServiceBusSend, BytesOf(message.Envelope));
    }

    // The envelope's JSON: its field names, punctuation and time (about 200 bytes) and its values; ids and names are ASCII.
    private static long BytesOf(Envelope e) =>
        200 + e.Id.Length + e.Type.Length + e.Source.Length + (e.Subject?.Length ?? 0) + e.CorrelationId.Length
        + (e.CausationId?.Length ?? 0) + (e.TraceParent?.Length ?? 0) + (e.ReplyTo?.Length ?? 0) + JsonMarshal.GetRawUtf8Value(e.Data).Length;
}
