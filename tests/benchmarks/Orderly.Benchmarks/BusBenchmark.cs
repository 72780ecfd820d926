using System.Diagnostics;
using Orderly.Contracts.Inventory;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Messaging;

namespace Orderly.Benchmarks;

/// <summary>
/// Moves N messages end to end through the embedded broker (publish → receive → complete) with concurrent publishers and
/// consumers, and prints throughput, enqueue-to-completed latency percentiles and the group-commit factor.
/// <c>-- bus [--messages 20000] [--publishers 4] [--consumers 4] [--publish-batch 50] [--receive-batch 100] [--mode batch|consumer] [--concurrency 8]</c>.
/// Mode <c>batch</c> receives and completes in batches; mode <c>consumer</c> runs <see cref="EmbeddedConsumer"/> completing each message on its own.
/// </summary>
public static class BusBenchmark
{
    private const string Queue = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var line = new CommandLine("bus", "the embedded broker alone: publish, receive and complete N messages", args);
        var messages = line.Int("--messages", 20_000, "messages to move");
        var publishers = line.Int("--publishers", 4, "concurrent publishers");
        var consumers = line.Int("--consumers", 4, "concurrent consumers");
        var publishBatch = line.Int("--publish-batch", 50, "messages per publish call");
        var receiveBatch = line.Int("--receive-batch", 100, "messages per receive call (mode batch)");
        var concurrency = line.Int("--concurrency", 8, "messages in flight per consumer (mode consumer)");
        var mode = line.Text("--mode", "batch", "batch (receive and complete in batches) or consumer (EmbeddedConsumer, one by one)");
        if (line.Stop(out var exit)) return exit;

        var directory = Path.Combine(Path.GetTempPath(), "orderly-bus-bench", Guid.NewGuid().ToString("N"));
        var database = new SqliteDatabase(Path.Combine(directory, "bench.db"));
        try
        {
            var topology = new EmbeddedBrokerTopology().AddQueue(Queue, EntitySettings.Default with { LockDuration = TimeSpan.FromMinutes(1) });
            var broker = await EmbeddedBroker.OpenAsync(database, topology);
            var envelopes = new EnvelopeFactory("/orderly/bench", TimeProvider.System);
            var latencies = new long[messages]; // ticks from enqueue to completed
            var completed = 0;
            var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();

            void Record(ReceivedMessage m, long doneTicks)
            {
                var i = Interlocked.Increment(ref completed) - 1;
                if (i < latencies.Length) latencies[i] = doneTicks - m.EnqueuedAt.UtcTicks;
                if (i == latencies.Length - 1) allDone.TrySetResult();
            }

            var before = database.CommitStats;
            var clock = Stopwatch.StartNew();
            var consuming = mode switch
            {
                "batch" => Enumerable.Range(0, consumers).Select(_ => ConsumeInBatchesAsync(broker, receiveBatch, Record, stop.Token)).ToArray(),
                "consumer" => Enumerable.Range(0, consumers).Select(_ => new EmbeddedConsumer(broker, Queue, async (m, ct) =>
                {
                    await m.Settlement.CompleteAsync(ct);
                    Record(m.Message, DateTimeOffset.UtcNow.UtcTicks);
                }, new EmbeddedConsumerOptions { MaxConcurrency = concurrency }).RunAsync(stop.Token)).ToArray(),
                _ => throw new ArgumentException($"unknown --mode '{mode}' (batch|consumer)"),
            };
            var publishing = Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
            {
                var share = messages / publishers + (p < messages % publishers ? 1 : 0);
                for (var sent = 0; sent < share; sent += publishBatch)
                {
                    var batch = Enumerable.Range(0, Math.Min(publishBatch, share - sent))
                        .Select(i => new OutgoingMessage(Queue, envelopes.Create(new ReleaseStock($"order-{p}-{sent + i}"), $"order-{p}-{sent + i}")))
                        .ToList();
                    await broker.PublishAsync(batch);
                }
            })).ToArray();

            await Task.WhenAll(publishing);
            var published = clock.Elapsed;
            await allDone.Task.WaitAsync(TimeSpan.FromMinutes(5));
            var elapsed = clock.Elapsed;
            var after = database.CommitStats;
            await stop.CancelAsync();
            await Task.WhenAll(consuming);

            Array.Sort(latencies);
            double Ms(double q) => TimeSpan.FromTicks(latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))]).TotalMilliseconds;
            var commits = after.Commits - before.Commits;
            var units = after.Units - before.Units;
            Console.WriteLine($"bus benchmark: mode={mode} messages={messages} publishers={publishers} (batch {publishBatch}) " +
                $"consumers={consumers} ({(mode == "batch" ? $"receive batch {receiveBatch}" : $"concurrency {concurrency}")})");
            Console.WriteLine($"  end to end:   {messages / elapsed.TotalSeconds:N0} messages/s ({elapsed.TotalSeconds:N2} s; all published after {published.TotalSeconds:N2} s)");
            Console.WriteLine($"  latency ms:   p50 {Ms(0.50):N1}  p95 {Ms(0.95):N1}  p99 {Ms(0.99):N1}  max {Ms(1.0):N1}  (enqueued -> completed)");
            Console.WriteLine($"  group commit: {units:N0} units in {commits:N0} commits = {(double)units / Math.Max(1, commits):N1} units per commit");
            Console.WriteLine($"  left in queue: {broker.ActiveMessageCount(Queue)}");
            return broker.ActiveMessageCount(Queue) == 0 && completed == messages ? 0 : 1;
        }
        finally
        {
            await database.DisposeAsync();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Receives a batch, then completes it while already receiving the next, so each consumer keeps two units in the group commit.</summary>
    private static async Task ConsumeInBatchesAsync(EmbeddedBroker broker, int receiveBatch, Action<ReceivedMessage, long> record, CancellationToken stop)
    {
        var completing = Task.CompletedTask;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var receiving = broker.ReceiveAsync(Queue, receiveBatch, CancellationToken.None);
                await completing;
                var batch = await receiving;
                if (batch.Count == 0)
                {
                    completing = Task.CompletedTask;
                    await broker.WaitForMessagesAsync(Queue, TimeSpan.FromSeconds(1), stop);
                    continue;
                }
                completing = CompleteAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await completing;

        async Task CompleteAsync(IReadOnlyList<LockedMessage> batch)
        {
            await broker.CompleteAsync(batch, CancellationToken.None);
            var done = DateTimeOffset.UtcNow.UtcTicks;
            foreach (var m in batch) record(m.Message, done);
        }
    }

}
