namespace Orderly.Contracts;

/// <summary>
/// A subscription of a topic and the message types (CloudEvents <c>type</c>) it takes; null takes every message of the topic.
/// Service Bus applies the types as the subscription's rule (on the message's Subject) and the embedded broker as its fan-out,
/// so a type no consumer of the subscription handles is never delivered to it: no receive, complete or execution for nothing.
/// </summary>
public sealed record TopicSubscription(string Topic, string Subscription, IReadOnlyList<string>? Takes = null)
{
    /// <summary>Whether a message of <paramref name="messageType"/> published to <see cref="Topic"/> reaches this subscription.</summary>
    public bool Accepts(string? messageType) => Takes is null || (messageType is not null && Takes.Contains(messageType));
}
