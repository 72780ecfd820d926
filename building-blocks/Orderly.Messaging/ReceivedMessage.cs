namespace Orderly.Messaging;

/// <summary>A message delivered to a consumer under a lock, as raw bytes: parsing is the pipeline's job, so malformed bodies arrive too.</summary>
public sealed record ReceivedMessage(
    string MessageId,
    ReadOnlyMemory<byte> Body,
    string Entity,
    int DeliveryCount,
    DateTimeOffset EnqueuedAt,
    IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>Application property carrying how many attempts were made before this delivery (backoff copies reset the broker's count).</summary>
    public const string PriorAttemptsProperty = "orderly-prior-attempts";

    /// <summary>Application property carrying how many times the message was deferred (retried at a hint without spending an attempt).</summary>
    public const string DeferralsProperty = "orderly-deferrals";

    /// <summary>This delivery's attempt number, counting attempts made on earlier copies of the message.</summary>
    public int Attempt => DeliveryCount + Count(PriorAttemptsProperty);

    /// <summary>How many times the message was deferred so far.</summary>
    public int Deferrals => Count(DeferralsProperty);

    private int Count(string property) => Properties.TryGetValue(property, out var p) && int.TryParse(p, out var n) ? n : 0;
}
