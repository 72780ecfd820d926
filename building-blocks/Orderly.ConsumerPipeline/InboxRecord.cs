namespace Orderly.ConsumerPipeline;

/// <summary>
/// The memory that a message was handled: a document in the handler's partition, written in the same batch as the
/// handler's effects, so a redelivered copy finds it and is dropped. It expires after the inbox TTL.
/// </summary>
public sealed record InboxRecord(string MessageId, string MessageType, string Entity, DateTimeOffset HandledAt)
{
    /// <summary>The document kind of inbox records.</summary>
    public const string Kind = "inbox";

    /// <summary>The document id of the inbox record of a message.</summary>
    public static string DocumentId(string messageId) => "inbox:" + messageId;
}
