using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orderly.Hosting.OperationCounting;

/// <summary>What one kind of billable operation added up to: how many, their bytes, the request units and the seconds they took.</summary>
public sealed record OperationTally(long Count, long Bytes, double RequestUnits, double Seconds);

/// <summary>
/// Process-wide tallies of the operations Azure bills (Cosmos DB requests, Service Bus operations, Function executions),
/// counted at the ports' edges by the counting decorators of this folder. One interlocked add per figure: cheap enough to stay
/// on in the normal path, so the figures a cost run reads are those of the host as it runs anyway.
/// </summary>
public sealed class OperationCounts
{
    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    /// <summary>Adds one <paramref name="operation"/> of <paramref name="bytes"/>, costing <paramref name="requestUnits"/>, that took <paramref name="elapsed"/>.</summary>
    public void Add(string operation, long bytes = 0, double requestUnits = 0, TimeSpan elapsed = default)
    {
        var tally = _tallies.GetOrAdd(operation, static _ => new Tally());
        Interlocked.Increment(ref tally.Count);
        if (bytes != 0) Interlocked.Add(ref tally.Bytes, bytes);
        // Request units and time as whole thousandths and ticks, so a figure is one interlocked add, never a lock.
        if (requestUnits != 0) Interlocked.Add(ref tally.MilliRequestUnits, (long)Math.Round(requestUnits * 1000));
        if (elapsed != default) Interlocked.Add(ref tally.Ticks, elapsed.Ticks);
    }

    /// <summary>Every operation counted so far, by name, in name order.</summary>
    public IReadOnlyDictionary<string, OperationTally> Snapshot() =>
        new SortedDictionary<string, OperationTally>(_tallies.ToDictionary(
            p => p.Key,
            p => new OperationTally(Interlocked.Read(ref p.Value.Count), Interlocked.Read(ref p.Value.Bytes),
                Interlocked.Read(ref p.Value.MilliRequestUnits) / 1000.0, TimeSpan.FromTicks(Interlocked.Read(ref p.Value.Ticks)).TotalSeconds),
            StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The time since <paramref name="startedAt"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static TimeSpan Since(long startedAt) => Stopwatch.GetElapsedTime(startedAt);

    private sealed class Tally
    {
        public long Count;
        public long Bytes;
        public long MilliRequestUnits;
        public long Ticks;
    }
}

/// <summary>The names of the counted operations: what the cost benchmark reads and docs/cost.md prices.</summary>
public static class Operations
{
    public const string CosmosPointRead = "cosmos.pointRead";
    public const string CosmosPointReadMiss = "cosmos.pointReadMiss";
    public const string CosmosQuery = "cosmos.query";
    public const string CosmosCreate = "cosmos.create";
    public const string CosmosReplace = "cosmos.replace";
    public const string CosmosUpsert = "cosmos.upsert";
    public const string CosmosDelete = "cosmos.delete";
    /// <summary>A transactional batch of two or more writes: one request; its writes are counted by kind as well.</summary>
    public const string CosmosBatch = "cosmos.batch";
    public const string CosmosChangeFeedRead = "cosmos.changeFeedRead";
    public const string CosmosLeaseCheckpoint = "cosmos.leaseCheckpoint";

    public const string ServiceBusSend = "serviceBus.send";
    public const string ServiceBusReceive = "serviceBus.receive";
    public const string ServiceBusComplete = "serviceBus.complete";
    public const string ServiceBusRetryLater = "serviceBus.retryLater";
    public const string ServiceBusDeadLetter = "serviceBus.deadLetter";

    public const string FunctionServiceBusTrigger = "functions.serviceBusTrigger";
    public const string FunctionChangeFeedTrigger = "functions.changeFeedTrigger";
}
