using System.Diagnostics.Metrics;
using Orderly.Messaging.Tracing;

namespace Orderly.LocalHost.Metrics;

/// <summary>
/// The Orderly meter, listened to in process: the last 15 minutes in 10-second buckets (orders placed, checkouts by outcome,
/// step latency) for the console's plots, running totals for <c>/api/admin/stats</c>, and the depth gauges read on demand.
/// What it counts is what an OTLP exporter sees: the same instruments, one mechanism.
/// </summary>
public sealed class MetricsWindow : IDisposable
{
    /// <summary>The length of a bucket.</summary>
    public static readonly TimeSpan BucketLength = TimeSpan.FromSeconds(10);

    /// <summary>How many buckets are kept: 15 minutes.</summary>
    public const int BucketCount = 90;

    private readonly TimeProvider _time;
    private readonly MeterListener _listener;
    private readonly Bucket[] _buckets = new Bucket[BucketCount];
    private readonly Lock _gate = new();
    private readonly Lock _collecting = new();
    private readonly Dictionary<string, (long Active, long DeadLettered)> _depths = new(StringComparer.Ordinal);
    private long _messagesHandled;

    public MetricsWindow(TimeProvider time)
    {
        _time = time;
        for (var i = 0; i < BucketCount; i++) _buckets[i] = new Bucket();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OrderlyMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>(OnCount);
        _listener.SetMeasurementEventCallback<double>(OnDuration);
        _listener.Start();
    }

    /// <summary>Messages handled since the host started.</summary>
    public long MessagesHandled => Interlocked.Read(ref _messagesHandled);

    /// <summary>The buckets of the last 15 minutes, oldest first, the current (still filling) one last; empty ones included.</summary>
    public IReadOnlyList<MetricsBucket> Buckets()
    {
        var current = BucketIndex(_time.GetUtcNow());
        var list = new List<MetricsBucket>(BucketCount);
        lock (_gate)
        {
            for (var index = current - BucketCount + 1; index <= current; index++)
            {
                var bucket = _buckets[Slot(index)];
                var at = new DateTimeOffset(index * BucketLength.Ticks, TimeSpan.Zero);
                list.Add(bucket.Index == index
                    ? new MetricsBucket(at, bucket.OrdersPlaced, bucket.Completed, bucket.Compensated, bucket.Failed, bucket.StepLatencyMs())
                    : new MetricsBucket(at, 0, 0, 0, 0, null));
            }
        }
        return list;
    }

    /// <summary>Collects the depth gauges now and answers them, one entry per queue or subscription.</summary>
    public IReadOnlyList<EntityDepthView> Depths()
    {
        lock (_collecting)
        {
            _depths.Clear();
            _listener.RecordObservableInstruments();
            return _depths.Select(d => new EntityDepthView(d.Key, d.Value.Active, d.Value.DeadLettered)).ToList();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnCount(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case OrderlyMetrics.MessagesHandledName:
                // The one measurement per message: no lock, no allocation.
                Interlocked.Add(ref _messagesHandled, value);
                return;
            case OrderlyMetrics.ActiveMessagesName or OrderlyMetrics.DeadLettersName:
                // Reported only by RecordObservableInstruments, under _collecting, on the thread that called it.
                if (Tag(tags, OrderlyMetrics.EntityTag) is not { } entity) return;
                var depth = _depths.GetValueOrDefault(entity);
                _depths[entity] = instrument.Name == OrderlyMetrics.ActiveMessagesName
                    ? depth with { Active = value }
                    : depth with { DeadLettered = value };
                return;
            case OrderlyMetrics.OrdersPlacedName:
                lock (_gate) Current().OrdersPlaced += value;
                return;
            case OrderlyMetrics.CheckoutsName:
                var outcome = Tag(tags, OrderlyMetrics.OutcomeTag);
                lock (_gate)
                {
                    var bucket = Current();
                    if (outcome == "completed") bucket.Completed += value;
                    else if (outcome == "compensated") bucket.Compensated += value;
                    else if (outcome == "failed") bucket.Failed += value;
                }
                return;
        }
    }

    private void OnDuration(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name != OrderlyMetrics.StepDurationName) return;
        lock (_gate) Current().Latency.Add(seconds * 1000);
    }

    /// <summary>The bucket of now, emptied first when it last held a bucket 15 minutes ago (call under _gate).</summary>
    private Bucket Current()
    {
        var index = BucketIndex(_time.GetUtcNow());
        var bucket = _buckets[Slot(index)];
        if (bucket.Index != index) bucket.Reset(index);
        return bucket;
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
            if (tag.Key == key) return tag.Value as string;
        return null;
    }

    private static long BucketIndex(DateTimeOffset at) => at.UtcTicks / BucketLength.Ticks;

    private static int Slot(long index) => (int)(index % BucketCount);

    private sealed class Bucket
    {
        public long Index = -1;
        public long OrdersPlaced;
        public long Completed;
        public long Compensated;
        public long Failed;
        public readonly LatencyHistogram Latency = new();

        public void Reset(long index)
        {
            Index = index;
            OrdersPlaced = Completed = Compensated = Failed = 0;
            Latency.Clear();
        }

        public LatencyPercentiles? StepLatencyMs() => Latency.Count == 0
            ? null
            : new LatencyPercentiles(Latency.Percentile(0.50)!.Value, Latency.Percentile(0.95)!.Value, Latency.Percentile(0.99)!.Value);
    }
}
