using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Orderly.Benchmarks.Cost;

namespace Orderly.Benchmarks;

/// <summary>
/// Memory over a long run: <c>memory --orders 20000</c> starts a fresh local host, runs <c>load</c> against it and samples,
/// every <c>--every</c> seconds, the host's working set, its GC heap after the last collection and after the last gen2, gen2
/// collections, threads, and the SQLite file and WAL sizes (<c>/api/admin/stats</c>'s runtime figures). Prints the samples
/// and the slope of the heap after collection against finished checkouts over the run's second half, in MB per 1,000
/// orders: flat is a slope near 0.
/// </summary>
public static class MemoryBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var line = new CommandLine("memory", "samples a fresh local host's memory while load places many orders", args);
        var orders = line.Int("--orders", 20_000, "orders to place");
        var concurrency = line.Int("--concurrency", 64, "the load's requests in flight");
        var every = line.Int("--every", 5, "seconds between samples");
        var dll = line.Text("--dll", StartupBenchmark.LocalHostDll(), "the local host to start");
        if (line.Stop(out var exit)) return exit;

        await using var host = await ChildHost.StartAsync(dll, new Dictionary<string, string>());
        using var http = await host.SignedInAsync("memory-operator", "operator");
        Console.WriteLine($"memory: {orders} orders at concurrency {concurrency} on a fresh host (pid {host.ProcessId}), a sample every {every} s (load average {StartupBenchmark.LoadAverage()})");

        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await SampleAsync(http, clock.Elapsed) is { } s) lock (samples) samples.Add(s);
                try { await Task.Delay(TimeSpan.FromSeconds(every), stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var load = await LoadBenchmark.RunAsync(["--base-url", host.BaseUrl.ToString(), "--orders", orders.ToString(CultureInfo.InvariantCulture),
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--timeout", "3600"]);
        await stop.CancelAsync();
        await sampling;
        if (await SampleAsync(http, clock.Elapsed) is { } last) samples.Add(last);

        Console.WriteLine();
        Console.WriteLine($"samples (load average at the end {StartupBenchmark.LoadAverage()}):");
        Console.WriteLine("     s  finished  working set  heap after GC  heap after gen2  gen2  threads     db file       WAL");
        foreach (var s in samples)
            Console.WriteLine($"{s.Seconds,6:F0}  {s.Finished,8}  {Mb(s.WorkingSet),8:F1} MB  {Mb(s.HeapAfterGc),10:F1} MB  {(s.HeapAfterGen2 is { } g ? $"{Mb(g),12:F1} MB" : "           -"),15}  {s.Gen2,4}  {s.Threads,7}  {Mb(s.Database),7:F1} MB  {Mb(s.Wal),5:F1} MB");

        // The second half by finished checkouts: warm-up and the first admissions are over.
        var half = samples.Where(s => s.Finished >= samples[^1].Finished / 2).ToList();
        Console.WriteLine($"slope over the second half ({half.Count} samples, {half[0].Finished}..{half[^1].Finished} checkouts finished), MB per 1,000 orders:");
        Console.WriteLine($"  heap after GC    {Slope(half, s => s.HeapAfterGc):+0.00;-0.00}");
        Console.WriteLine($"  heap after gen2  {(half.Count(s => s.HeapAfterGen2 is not null) >= 2 ? Slope(half.Where(s => s.HeapAfterGen2 is not null).ToList(), s => s.HeapAfterGen2!.Value).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) : "(fewer than two gen2 collections)")}");
        Console.WriteLine($"  working set      {Slope(half, s => s.WorkingSet):+0.00;-0.00}");
        Console.WriteLine($"  database file    {Slope(half, s => s.Database):+0.00;-0.00}   (the orders themselves: it grows with the data)");
        Console.WriteLine($"  WAL              {Slope(half, s => s.Wal):+0.00;-0.00}");
        return load;
    }

    private sealed record Sample(double Seconds, long Finished, long WorkingSet, long HeapAfterGc, long? HeapAfterGen2, int Gen2, int Threads, long Database, long Wal);

    private static async Task<Sample?> SampleAsync(HttpClient http, TimeSpan at)
    {
        try
        {
            var stats = await http.GetFromJsonAsync<JsonElement>("api/admin/stats");
            var r = stats.GetProperty("runtime");
            return new Sample(at.TotalSeconds, stats.GetProperty("sagasFinished").GetInt64(), r.GetProperty("workingSetBytes").GetInt64(),
                r.GetProperty("gcHeapAfterLastGcBytes").GetInt64(),
                r.GetProperty("gcHeapAfterLastGen2Bytes").ValueKind == JsonValueKind.Number ? r.GetProperty("gcHeapAfterLastGen2Bytes").GetInt64() : null,
                r.GetProperty("gen2Collections").GetInt32(), r.GetProperty("threads").GetInt32(),
                r.GetProperty("databaseBytes").GetInt64(), r.GetProperty("walBytes").GetInt64());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // a busy host: the next sample
        }
    }

    private static double Mb(long bytes) => bytes / (double)(1 << 20);

    /// <summary>Least-squares slope of <paramref name="value"/> (as MB) against finished checkouts, per 1,000.</summary>
    private static double Slope(List<Sample> samples, Func<Sample, long> value)
    {
        if (samples.Count < 2) return double.NaN;
        var xs = samples.Select(s => s.Finished / 1000.0).ToArray();
        var ys = samples.Select(s => Mb(value(s))).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        return sxx == 0 ? double.NaN : xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / sxx;
    }
}
