using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Benchmarks;

/// <summary>
/// The embedded document store under the write pattern of a message handler: N concurrent writers, each committing
/// batches of "replace my aggregate at its ETag + create one outbox record", fully synced.
/// <c>store [--writers 1,16,64,256] [--seconds 5] [--dir PATH]</c>
/// </summary>
public static class StoreBenchmark
{
    private sealed record Aggregate(string Id, long Version, string Status, decimal Total);

    public static async Task<int> RunAsync(string[] args)
    {
        var line = new CommandLine("store", "the embedded store alone: concurrent ETag-checked writes with an outbox record, fsync'd", args);
        var writersText = line.Text("--writers", "1,16,64,256", "concurrent writers, one run per count, comma-separated");
        var seconds = line.Number("--seconds", 5, "seconds per run")!.Value;
        var dir = line.Text("--dir", Path.Combine(Path.GetTempPath(), "orderly-store-bench"), "folder for the database file");
        if (line.Stop(out var exit)) return exit;
        var writerCounts = writersText.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

        Console.WriteLine($"store benchmark: {Environment.ProcessorCount} cores, {RuntimeInformationText()}, {seconds:0.#} s per run, file under {dir}");
        Console.WriteLine("each commit = replace aggregate (ETag checked) + create outbox record; synchronous=FULL (fsync per group commit)");
        Console.WriteLine($"machine reference now: raw SQLite, one connection, WAL + synchronous=FULL, one-row commits: {Calibrate(dir, TimeSpan.FromSeconds(Math.Min(seconds, 3))):N0} commits/s");
        Console.WriteLine($"{"writers",8} {"commits/s",10} {"docs/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"units/fsync",12} {"cpu us/commit",14} {"conflicts",9}");
        foreach (var writers in writerCounts)
        {
            var r = await RunOnceAsync(writers, TimeSpan.FromSeconds(seconds), dir);
            Console.WriteLine($"{writers,8} {r.CommitsPerSecond,10:N0} {r.CommitsPerSecond * 2,10:N0} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.GroupFactor,12:0.0} {r.CpuMicrosPerCommit,14:0} {r.Conflicts,9}");
        }
        Directory.Delete(dir, recursive: true);
        return 0;
    }

    private sealed record Result(double CommitsPerSecond, double P50, double P95, double P99, double GroupFactor, long Conflicts, double CpuMicrosPerCommit);

    private static async Task<Result> RunOnceAsync(int writers, TimeSpan duration, string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        await using var db = new SqliteDatabase(Path.Combine(dir, "bench.db"));
        var store = new EmbeddedDocumentStore(db, "bench");
        var envelope = JsonSerializer.SerializeToElement(new
        {
            specversion = "1.0", type = "orderly.orders.order-confirmed.v1", source = "/orders", id = Guid.NewGuid(),
            data = new { orderId = "o-1", customerId = "c-1", total = new { amount = 42.5m, currency = "EUR" } },
        });

        // Each writer owns one aggregate in its own partition, created up front.
        var etags = new string[writers];
        for (var w = 0; w < writers; w++)
            etags[w] = await store.CreateAsync($"p-{w}", "agg", "order", new Aggregate($"o-{w}", 0, "Pending", 42.5m));

        var (commits0, units0) = db.CommitStats;
        var latencies = new List<long>[writers];
        long conflicts = 0;
        using var stop = new CancellationTokenSource(duration);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<long>(4096);
            var etag = etags[w];
            for (long version = 1; !stop.IsCancellationRequested; version++)
            {
                var messageId = Guid.NewGuid().ToString("N");
                var batch = new WriteBatch($"p-{w}")
                    .Replace("agg", "order", new Aggregate($"o-{w}", version, "Confirmed", 42.5m), etag)
                    .Create(OutboxRecord.DocumentId(messageId), OutboxRecord.Kind, new OutboxRecord("orders-events", messageId, envelope, null, DateTimeOffset.UtcNow));
                var started = Stopwatch.GetTimestamp();
                try
                {
                    etag = (await store.CommitAsync(batch).ConfigureAwait(false)).ETags[0]!;
                    mine.Add(Stopwatch.GetTimestamp() - started);
                }
                catch (ConcurrencyException)
                {
                    Interlocked.Increment(ref conflicts); // cannot happen: one writer per aggregate; counted to prove it
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed.TotalSeconds;
        var (commits1, units1) = db.CommitStats;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        return new Result(all.Length / elapsed, Percentile(0.50), Percentile(0.95), Percentile(0.99),
            (double)(units1 - units0) / Math.Max(1, commits1 - commits0), conflicts,
            cpu.TotalMicroseconds / Math.Max(1, all.Length));
    }

    /// <summary>What this disk and CPU do right now without the store: sequential fully synced one-row commits.</summary>
    private static double Calibrate(string dir, TimeSpan duration)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dir, "raw.db")};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);";
            setup.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO t (body) VALUES ($b)";
        var body = insert.Parameters.AddWithValue("$b", new string('x', 300));
        long n = 0;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            insert.ExecuteNonQuery(); // autocommit: one fsync each
            n++;
        }
        return n / clock.Elapsed.TotalSeconds;
    }

    private static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

}
