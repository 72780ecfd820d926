using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>
/// The queues, topics and subscriptions the embedded broker knows, with their settings; the same set infra declares for Service Bus.
/// Sending or receiving anywhere else throws, so a misspelt name fails at once instead of swallowing messages.
/// </summary>
public sealed class EmbeddedBrokerTopology
{
    private readonly Dictionary<string, EntitySettings> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EntitySettings> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _subscriptionsByTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EntitySettings> _subscriptions = new(StringComparer.Ordinal);
    // Only subscriptions that take some of their topic's types are here; the others take every message.
    private readonly Dictionary<string, TopicSubscription> _filtered = new(StringComparer.Ordinal);

    /// <summary>Every queue, topic and subscription of <see cref="Destinations"/>, all with <paramref name="settings"/>.</summary>
    public static EmbeddedBrokerTopology FromDestinations(EntitySettings? settings = null)
    {
        var topology = new EmbeddedBrokerTopology();
        foreach (var queue in Destinations.Queues) topology.AddQueue(queue, settings);
        foreach (var topic in Destinations.Topics) topology.AddTopic(topic, settings);
        foreach (var subscription in Destinations.Subscriptions) topology.AddSubscription(subscription, settings);
        return topology;
    }

    public EmbeddedBrokerTopology AddQueue(string name, EntitySettings? settings = null)
    {
        EnsureNew(name);
        _queues.Add(name, settings ?? EntitySettings.Default);
        return this;
    }

    /// <summary>Declares a topic; only its duplicate-detection window matters (locks belong to its subscriptions).</summary>
    public EmbeddedBrokerTopology AddTopic(string name, EntitySettings? settings = null)
    {
        EnsureNew(name);
        _topics.Add(name, settings ?? EntitySettings.Default);
        _subscriptionsByTopic.Add(name, []);
        return this;
    }

    /// <summary>Declares a subscription of a declared topic; it receives a copy of every message published to the topic afterwards.</summary>
    public EmbeddedBrokerTopology AddSubscription(string topic, string subscription, EntitySettings? settings = null) =>
        AddSubscription(new TopicSubscription(topic, subscription), settings);

    /// <summary>
    /// Declares a subscription of a declared topic; it receives a copy of each message published to the topic afterwards whose
    /// type it takes (<see cref="TopicSubscription.Takes"/>), as a Service Bus subscription rule on the Subject would.
    /// </summary>
    public EmbeddedBrokerTopology AddSubscription(TopicSubscription subscription, EntitySettings? settings = null)
    {
        if (!_subscriptionsByTopic.TryGetValue(subscription.Topic, out var paths))
            throw new UnknownEntityException(subscription.Topic, "is not a declared topic; declare it before its subscriptions");
        var path = EntityPath.Subscription(subscription.Topic, subscription.Subscription);
        EnsureNew(path);
        _subscriptions.Add(path, settings ?? EntitySettings.Default);
        paths.Add(path);
        if (subscription.Takes is not null) _filtered.Add(path, subscription);
        return this;
    }

    /// <summary>Every path messages can be received from: queues and <c>topic/subscriptions/name</c>.</summary>
    public IReadOnlyList<string> ReceiveEntities => [.. _queues.Keys, .. _subscriptions.Keys];

    /// <summary>Settings of a queue or subscription one receives from.</summary>
    internal EntitySettings ReceiveSettings(string entity) =>
        _queues.TryGetValue(entity, out var q) ? q
        : _subscriptions.TryGetValue(entity, out var s) ? s
        : throw new UnknownEntityException(entity, "is not a declared queue or subscription");

    /// <summary>
    /// Where a message of <paramref name="messageType"/> sent to <paramref name="destination"/> lands (the queue itself, or each
    /// subscription of the topic that takes the type; possibly none, as on Service Bus), and the duplicate window.
    /// </summary>
    internal (IReadOnlyList<string> Targets, TimeSpan DuplicateWindow) SendTargets(string destination, string? messageType) =>
        _queues.TryGetValue(destination, out var q) ? ([destination], q.DuplicateDetectionWindow)
        : _topics.TryGetValue(destination, out var t) ? (SubscriptionsTaking(destination, messageType), t.DuplicateDetectionWindow)
        : throw new UnknownEntityException(destination, "is not a declared queue or topic");

    private IReadOnlyList<string> SubscriptionsTaking(string topic, string? messageType)
    {
        var paths = _subscriptionsByTopic[topic];
        if (_filtered.Count == 0) return paths;
        return paths.Where(p => !_filtered.TryGetValue(p, out var s) || s.Accepts(messageType)).ToList();
    }

    private void EnsureNew(string name)
    {
        if (_queues.ContainsKey(name) || _topics.ContainsKey(name) || _subscriptions.ContainsKey(name))
            throw new ArgumentException($"'{name}' is already declared.", nameof(name));
    }
}
