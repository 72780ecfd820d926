using System.Diagnostics.Metrics;
using Orderly.Embedded.Broker;
using Orderly.Messaging.Tracing;

namespace Orderly.LocalHost.Metrics;

/// <summary>
/// The queue and subscription depths of the embedded broker as observable gauges on the Orderly meter: read from the broker's
/// tables when a listener collects (an exporter's interval, or <c>/api/admin/metrics</c>), never on the message path.
/// </summary>
public sealed class BrokerGauges
{
    // Both gauges are collected one after the other: one read of the tables answers the two.
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    private readonly EmbeddedBroker _broker;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private (DateTimeOffset At, IReadOnlyList<EntityDepth> Depths)? _last;

    public BrokerGauges(EmbeddedBroker broker, TimeProvider time)
    {
        _broker = broker;
        _time = time;
        OrderlyMetrics.Meter.CreateObservableGauge(OrderlyMetrics.ActiveMessagesName,
            () => Read().Select(d => new Measurement<long>(d.Active, Entity(d))), "{message}",
            "Messages in a queue or subscription (visible, scheduled or locked).");
        OrderlyMetrics.Meter.CreateObservableGauge(OrderlyMetrics.DeadLettersName,
            () => Read().Select(d => new Measurement<long>(d.DeadLettered, Entity(d))), "{message}",
            "Dead letters of a queue or subscription awaiting triage.");
    }

    private IReadOnlyList<EntityDepth> Read()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_last is { } last && now - last.At < Reuse) return last.Depths;
            var depths = EntityDepths.Read(_broker);
            _last = (now, depths);
            return depths;
        }
    }

    private static KeyValuePair<string, object?> Entity(EntityDepth depth) => new(OrderlyMetrics.EntityTag, depth.Entity);
}
