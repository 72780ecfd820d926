namespace Orderly.Messaging;

/// <summary>A message held under a peek-lock, with the settlement that releases it.</summary>
public sealed record LockedMessage(ReceivedMessage Message, IMessageSettlement Settlement, DateTimeOffset LockedUntil);

/// <summary>Pulls messages from a queue or a subscription (<c>topic/subscriptions/name</c>) under a lock; a lock that expires makes the message deliverable again.</summary>
public interface IMessageReceiver
{
    Task<IReadOnlyList<LockedMessage>> ReceiveAsync(string entity, int maxMessages, CancellationToken cancellationToken = default);
}

/// <summary>Entity paths shared by every bus implementation.</summary>
public static class EntityPath
{
    /// <summary>The receive path of a topic's subscription.</summary>
    public static string Subscription(string topic, string subscription) => $"{topic}/subscriptions/{subscription}";
}
