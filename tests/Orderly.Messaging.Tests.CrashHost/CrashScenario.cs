using Orderly.Embedded.Broker;

namespace Orderly.Messaging.Tests.CrashHost;

/// <summary>What the crash host and the test that kills it agree on: the container, the queue and its settings.</summary>
public static class CrashScenario
{
    public const string Container = "orders";
    public const string Queue = "orders-commands";

    /// <summary>The line the host prints, then hangs, once a round is published and not yet acknowledged: <c>{Marker} {count}</c>.</summary>
    public const string PublishedNotAcknowledged = "published-not-acknowledged";

    /// <summary>
    /// The queue with duplicate detection off (window zero), as if the republish came after the window: every republished
    /// copy reaches the consumer, so the inbox alone must drop it.
    /// </summary>
    public static EmbeddedBrokerTopology Topology() => new EmbeddedBrokerTopology()
        .AddQueue(Queue, new EntitySettings(TimeSpan.FromSeconds(30), 20, TimeSpan.Zero));

    /// <summary>The order id of the i-th committed order.</summary>
    public static string OrderId(int i) => $"order-{i:D4}";
}
