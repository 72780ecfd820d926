using System.Runtime.InteropServices;
using System.Text.Json;
using Orderly.Contracts;
using Orderly.Messaging;
using Orderly.Storage;

namespace Orderly.Outbox;

/// <summary>An outgoing message stored beside the aggregate that caused it, until the relay has published it.</summary>
public sealed record OutboxRecord(string Destination, string MessageId, JsonElement Envelope, DateTimeOffset? ScheduledFor, DateTimeOffset CreatedAt)
{
    /// <summary>The document kind of outbox records.</summary>
    public const string Kind = "outbox";

    /// <summary>The document id of the record for a message id.</summary>
    public static string DocumentId(string messageId) => "outbox:" + messageId;

    /// <summary>The message to publish.</summary>
    public OutgoingMessage ToOutgoing() =>
        new(Destination, EnvelopeJson.Parse(JsonMarshal.GetRawUtf8Value(Envelope)), ScheduledFor); // its stored text, not written again
}

/// <summary>Stages outgoing messages into the same batch as the state change that causes them.</summary>
public static class OutboxBatchExtensions
{
    /// <summary>Adds the message to the batch as an outbox record: it is published if and only if the batch commits.</summary>
    public static WriteBatch AddOutgoing(this WriteBatch batch, OutgoingMessage message, DateTimeOffset now)
    {
        var envelope = JsonElement.Parse(EnvelopeJson.Serialize(message.Envelope)); // owns its memory: no clone, nothing to dispose
        return batch.Create(OutboxRecord.DocumentId(message.MessageId), OutboxRecord.Kind,
            new OutboxRecord(message.Destination, message.MessageId, envelope, message.ScheduledFor, now));
    }
}
