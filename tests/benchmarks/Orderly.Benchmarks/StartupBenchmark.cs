using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orderly.Benchmarks.Cost;

namespace Orderly.Benchmarks;

/// <summary>
/// Start to healthy with many orders stored: <c>startup --orders 100000 --starts 5</c>. Seeds a data folder once (kept, and
/// reused while its note matches): a real run of <c>--seed-checkouts</c> checkouts through the local host, whose rows (every
/// document but the catalog, saga instances and journals, duplicate-detection records) are then copied under new keys until
/// the folder holds <c>--orders</c> finished orders, as after that many checkouts. Then starts the host on it
/// <c>--starts</c> times and prints, per start, the time from process start to its first HTTP answer and to the first 200
/// from <c>/api/health</c> (which needs every consumer running), and the host's CPU time until then.
/// </summary>
public static class StartupBenchmark
{
    private const string SeedNote = "startup-seed.json";

    public static async Task<int> RunAsync(string[] args)
    {
        var line = new CommandLine("startup", "times the local host's start to healthy on a data folder holding many finished orders", args);
        var orders = line.Int("--orders", 100_000, "finished orders the data folder holds");
        var starts = line.Int("--starts", 5, "starts to time");
        var seedCheckouts = line.Int("--seed-checkouts", 200, "real checkouts run to get the rows that are copied");
        var data = line.Text("--data", "", "the data folder (default: a folder under the temp path named by --orders; kept and reused)");
        var dll = line.Text("--dll", LocalHostDll(), "the local host to start (a published ReadyToRun build, say)");
        if (line.Stop(out var exit)) return exit;
        if (data.Length == 0) data = Path.Combine(Path.GetTempPath(), $"orderly-startup-{orders}");

        if (!SeedIsThere(data, orders, seedCheckouts))
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            await SeedAsync(data, orders, seedCheckouts, dll);
        }
        Describe(data);

        Console.WriteLine($"starting {dll} {starts} times on it, in {Environment.CurrentDirectory} (load average {LoadAverage()});");
        Console.WriteLine("/api/health answers 200 once the store, broker, relays and saga runner answer and every consumer runs");
        Console.WriteLine("start  first answer  healthy (200)  host CPU to healthy");
        var runs = new List<Start>();
        for (var i = 1; i <= starts; i++)
        {
            var run = await TimeOneStartAsync(dll, data);
            runs.Add(run);
            Console.WriteLine($"{i,5}  {run.FirstAnswerMs,9:F0} ms  {run.HealthyMs,10:F0} ms  {run.CpuMs,14:F0} ms");
        }
        Console.WriteLine($"healthy  min {runs.Min(r => r.HealthyMs):F0} ms  median {Median(runs.Select(r => r.HealthyMs)):F0} ms  max {runs.Max(r => r.HealthyMs):F0} ms" +
                          $"   host CPU median {Median(runs.Select(r => r.CpuMs)):F0} ms   (load average after: {LoadAverage()})");
        return 0;
    }

    private sealed record Start(double FirstAnswerMs, double HealthyMs, double CpuMs);

    private static async Task<Start> TimeOneStartAsync(string dll, string data)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Where the person typed the command, as `dotnet run --project` runs the host: the folder it starts in matters.
            WorkingDirectory = Environment.CurrentDirectory,
        };
        start.Environment["ORDERLY_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ORDERLY_DATA_PATH"] = data;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["LocalHost__StopWithParentProcessId"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        double? firstAnswer = null;
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(120) && !process.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync("api/health");
                    firstAnswer ??= clock.Elapsed.TotalMilliseconds;
                    if (response.StatusCode == HttpStatusCode.OK)
                        return new Start(firstAnswer.Value, clock.Elapsed.TotalMilliseconds, CpuMilliseconds(process.Id));
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                await Task.Delay(10);
            }
            throw new InvalidOperationException($"the host on {data} was not healthy within 120 s (exited: {process.HasExited})");
        }
        finally
        {
            await GracefulStop.TerminateAsync(process, TimeSpan.FromSeconds(30));
        }
    }

    // ---- the seed ----

    private static bool SeedIsThere(string data, int orders, int seedCheckouts)
    {
        var note = Path.Combine(data, SeedNote);
        if (!File.Exists(note)) return false;
        var seed = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(note));
        return seed.GetProperty("orders").GetInt32() == orders && seed.GetProperty("seedCheckouts").GetInt32() == seedCheckouts;
    }

    private static async Task SeedAsync(string data, int orders, int seedCheckouts, string dll)
    {
        Console.WriteLine($"seeding {data}: {seedCheckouts} real checkouts, then their rows copied to {orders} orders");
        var clock = Stopwatch.StartNew();
        await using (var host = await ChildHost.StartAsync(dll, new Dictionary<string, string>(), data))
        {
            var load = await LoadBenchmark.RunAsync(["--base-url", host.BaseUrl.ToString(), "--orders", seedCheckouts.ToString(CultureInfo.InvariantCulture), "--concurrency", "32"]);
            if (load != 0) throw new InvalidOperationException("the seed's checkouts did not all finish with balanced books");
            await host.StopAsync();
        }

        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "orderly.db"), Pooling = false }.ToString());
        db.Open();
        var seeded = Scalar(db, "SELECT COUNT(*) FROM documents WHERE kind = 'order'");
        var copies = (int)Math.Ceiling((double)orders / seeded) - 1;
        using (var tx = db.BeginTransaction())
        {
            // Every copy gets keys of its own; the catalog (products, their availability) stays one catalog.
            Copy(db, tx, "documents", "partition_key", copies, "kind NOT IN ('product', 'availability')");
            Copy(db, tx, "saga_instances", "instance_id", copies);
            Copy(db, tx, "saga_journal", "instance_id", copies);
            Copy(db, tx, "broker_duplicates", "message_id", copies);
            tx.Commit();
        }
        Execute(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        File.WriteAllText(Path.Combine(data, SeedNote), JsonSerializer.Serialize(new { orders, seedCheckouts, copies }));
        Console.WriteLine($"seeded in {clock.Elapsed.TotalSeconds:F0} s ({seeded} orders × {copies + 1})");
    }

    /// <summary>
    /// Copies the table's rows <paramref name="copies"/> times, <paramref name="key"/> suffixed with the copy's number; an
    /// autoincrement column is left to SQLite. Columns are read from the table, so a column added later is copied too.
    /// </summary>
    private static void Copy(SqliteConnection db, SqliteTransaction tx, string table, string key, int copies, string? where = null)
    {
        var columns = new List<(string Name, bool Autoincrement)>();
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = $"SELECT name, pk, type FROM pragma_table_info('{table}')";
            using var r = cmd.ExecuteReader();
            while (r.Read()) columns.Add((r.GetString(0), r.GetInt32(1) == 1 && r.GetString(2).Equals("INTEGER", StringComparison.OrdinalIgnoreCase)));
        }
        var kept = columns.Where(c => !c.Autoincrement).Select(c => c.Name).ToList();
        var select = kept.Select(c => c == key ? $"t.{c} || '-x' || n.i" : $"t.{c}");
        Execute(db, $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies})
            INSERT INTO {table} ({string.Join(", ", kept)}) SELECT {string.Join(", ", select)} FROM {table} t, n {(where is null ? "" : "WHERE " + where)}
            """, tx);
    }

    /// <summary>What the folder holds: rows per document kind, saga instances by status, journal entries, broker rows, and its size.</summary>
    private static void Describe(string data)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "orderly.db"), Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        db.Open();
        Console.WriteLine($"data folder {data}: {Bytes(Directory.EnumerateFiles(data).Sum(f => new FileInfo(f).Length))}");
        Console.WriteLine("  documents by container and kind:");
        foreach (var (what, count) in Rows(db, "SELECT container || ' ' || kind, COUNT(*) FROM documents GROUP BY container, kind ORDER BY container, kind"))
            Console.WriteLine($"    {what,-36} {count,9:N0}");
        foreach (var (what, count) in Rows(db, "SELECT 'saga instances ' || status, COUNT(*) FROM saga_instances GROUP BY status"))
            Console.WriteLine($"  {what,-38} {count,9:N0}");
        foreach (var table in new[] { "saga_journal", "saga_events", "broker_messages", "broker_duplicates", "broker_dead_letters" })
            Console.WriteLine($"  {table,-38} {Scalar(db, $"SELECT COUNT(*) FROM {table}"),9:N0}");
    }

    private static List<(string, long)> Rows(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, long)>();
        while (r.Read()) rows.Add((r.GetString(0), r.GetInt64(1)));
        return rows;
    }

    private static long Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        cmd.ExecuteNonQuery();
    }

    // ---- small readings ----

    internal static string LocalHostDll() => typeof(StartupBenchmark).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "LocalHostDll").Value!;

    /// <summary>User plus system CPU time of a process so far, from /proc (Linux).</summary>
    internal static double CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000.0 / 100; // USER_HZ is 100 on Linux
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "unknown";

    internal static string Bytes(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F2} GB" : $"{bytes / (double)(1L << 20):F1} MB";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
