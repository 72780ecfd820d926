using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orderly.Benchmarks.Cost;
using Orderly.TestSupport;

namespace Orderly.Benchmarks;

/// <summary>
/// What a checkout costs in Azure, from counted operations: <c>cost [--checkouts N] [--engine azure-storage|embedded]</c>.
/// Starts a fresh local host (and, for the Azure Storage saga engine, an Azurite whose requests it counts), runs N happy-path
/// checkouts, and prints per checkout: Cosmos DB requests by kind with their sizes and published request units, Service Bus
/// operations, the saga's Durable actions and the Azure Storage transactions they made, Function executions and GB-s, and
/// the money per 1,000,000 checkouts at <see cref="ListPrices"/>. docs/cost.md explains every line and assumption.
/// </summary>
public static class CostBenchmark
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string[] args)
    {
        var line = new CommandLine("cost", "runs N checkouts on a fresh local host and prints what each costs in Azure, from counted operations", args);
        var checkouts = line.Int("--checkouts", 100, "checkouts to run (each an order of 1-2 lines, card tok_visa)");
        var engine = line.Text("--engine", "azure-storage", "saga engine: azure-storage (Durable Task on Azurite, its storage requests counted) or embedded");
        var concurrency = line.Int("--concurrency", 8, "checkouts placed at once");
        var memoryMb = line.Int("--memory-mb", 2048, "instance memory assumed for GB-s (Flex Consumption offers 512, 2048, 4096)");
        var activityMs = line.Int("--durable-ms", 5, "assumed duration of one orchestrator episode or activity, in ms (not measured here)", least: 0);
        if (line.Stop(out var exit)) return exit;
        if (engine is not ("azure-storage" or "embedded"))
        {
            Console.Error.WriteLine($"cost: --engine '{engine}' is neither azure-storage nor embedded");
            return 2;
        }

        var root = RepositoryRoot();
        var dll = typeof(CostBenchmark).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "LocalHostDll").Value!;
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"cost: the local host is not built ({dll}); dotnet run -c Release builds it with this project");
            return 2;
        }
        AzuriteRequestLog? azurite = null;
        var settings = new Dictionary<string, string> { ["Sagas__Engine"] = "Embedded" };
        if (engine == "azure-storage")
        {
            if (root is null || LocalAzurite.ScriptUnder(root) is not { } script)
            {
                Console.Error.WriteLine("cost: no Azurite: install it with `npm ci --prefix tests/azurite`, or run with --engine embedded");
                return 2;
            }
            azurite = await AzuriteRequestLog.StartAsync(script);
            settings["Sagas__Engine"] = "AzureStorage";
            settings["Sagas__AzureStorage__ConnectionString"] = azurite.ConnectionString;
        }

        try
        {
            await using var host = await ChildHost.StartAsync(dll, settings);
            Console.WriteLine($"cost: {checkouts} checkouts on a fresh local host, saga on {(azurite is null ? "the embedded runner" : "Durable Task / Azure Storage over Azurite (its requests counted)")}");
            var run = await RunCheckoutsAsync(host, checkouts, concurrency, azurite);
            Print(run, checkouts, memoryMb, activityMs);
            return run.Completed == checkouts ? 0 : 1;
        }
        finally
        {
            if (azurite is not null) await azurite.DisposeAsync();
        }
    }

    private sealed record Run(
        int Completed, TimeSpan Elapsed, IReadOnlyDictionary<string, Tally> Operations, double PlaceSeconds,
        DurableActions Durable, StorageRequests? Storage, StorageRequests? IdleStorage, TimeSpan IdleWindow,
        StorageRequests? LateStorage, TimeSpan LateWindow);

    /// <summary>How long a step waits for its reply: the local host's default (Checkout__StepTimeout), which the timers last.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private sealed record Tally(long Count, long Bytes, double RequestUnits, double Seconds);

    /// <summary>Durable actions summed over the checkouts, read from each checkout's saga status.</summary>
    private sealed record DurableActions(long Orchestrations, long Activities, long Events, long Timers, long Episodes);

    private static async Task<Run> RunCheckoutsAsync(ChildHost host, int n, int concurrency, AzuriteRequestLog? azurite)
    {
        using var admin = await host.SignedInAsync("cost-admin", "shop-admin");
        using var operatorClient = await host.SignedInAsync("cost-operator", "operator");
        // Ten products, so orders seldom race for one (a lost race is a real cost, but one of this run's shape, not of a checkout's).
        var run = Guid.NewGuid().ToString("N")[..8];
        var skus = Enumerable.Range(0, 10).Select(i => $"cost-{run}-{i}").ToArray();
        foreach (var sku in skus)
        {
            (await admin.PutAsJsonAsync($"api/inventory/products/{sku}", new { name = "Cost " + sku, unitPrice = 2.50m, currency = "EUR" })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"api/inventory/products/{sku}/stock", new { quantity = n * 2 + 10 })).EnsureSuccessStatusCode();
        }
        var customers = await Task.WhenAll(Enumerable.Range(0, Math.Min(n, 50)).Select(c => host.SignedInAsync($"cost-c{c}", "customer")));

        // Idle first: what the engine's polling costs with nothing to do, so the run's figures can be read without it.
        StorageRequests? idle = null;
        var idleWindow = TimeSpan.FromSeconds(10);
        await Task.Delay(TimeSpan.FromSeconds(2));
        if (azurite is not null)
        {
            var idleMark = azurite.Mark();
            await Task.Delay(idleWindow);
            idle = azurite.CountSince(idleMark);
        }

        var before = await OperationsAsync(operatorClient);
        var mark = azurite?.Mark() ?? 0;
        var clock = Stopwatch.StartNew();
        var orderIds = new ConcurrentBag<string>();
        var placeTicks = 0L;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                var body = new
                {
                    items = new[] { new { sku = skus[i % skus.Length], quantity = 1 + i % 2 } },
                    shippingAddress = new { name = "Cost Run", line1 = "1 Bench St", city = "Utrecht", postalCode = "3511", country = "NL" },
                    paymentToken = "tok_visa",
                };
                var placed = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/orders") { Content = JsonContent.Create(body) };
                request.Headers.Add("Idempotency-Key", $"cost-{i}-{Guid.NewGuid():N}");
                using var response = await customers[i % customers.Length].SendAsync(request);
                Interlocked.Add(ref placeTicks, Stopwatch.GetElapsedTime(placed).Ticks);
                if (response.StatusCode != HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"placing order {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                orderIds.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString()!);
            }
        }));

        // Each checkout's saga status, until every one has ended.
        var statuses = new Dictionary<string, JsonElement>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60 + n);
        while (statuses.Count < n && DateTime.UtcNow < deadline)
        {
            foreach (var id in orderIds.Where(id => !statuses.ContainsKey(id)).ToList())
            {
                using var response = await operatorClient.GetAsync($"api/checkout/{id}");
                if (!response.IsSuccessStatusCode) continue;
                var status = await response.Content.ReadFromJsonAsync<JsonElement>(Web);
                if (status.GetProperty("status").GetString() is not "Running") statuses[id] = status;
            }
            if (statuses.Count < n) await Task.Delay(200);
        }
        var elapsed = clock.Elapsed;
        // The last replies settle after the status is published: a moment for the counters to include them.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await OperationsAsync(operatorClient);
        var storage = azurite?.CountSince(mark);
        // Each reply wait left a timeout timer behind; it still fires (dequeue, history read, delete) after its saga ended.
        // Counted too: the window runs past the last one (the step timeout, 30 s by default).
        StorageRequests? late = null;
        var lateWindow = StepTimeout + TimeSpan.FromSeconds(5);
        if (azurite is not null)
        {
            var lateMark = azurite.Mark();
            Console.Error.WriteLine($"  waiting {lateWindow.TotalSeconds:F0} s for the step timers that fire after their checkout ended");
            await Task.Delay(lateWindow);
            late = azurite.CountSince(lateMark);
        }

        var completed = statuses.Values.Count(s => s.GetProperty("status").GetString() == "Completed");
        var delta = after.ToDictionary(p => p.Key, p =>
        {
            var b = before.GetValueOrDefault(p.Key) ?? new Tally(0, 0, 0, 0);
            return new Tally(p.Value.Count - b.Count, p.Value.Bytes - b.Bytes, p.Value.RequestUnits - b.RequestUnits, p.Value.Seconds - b.Seconds);
        });
        return new Run(completed, elapsed, delta, TimeSpan.FromTicks(placeTicks).TotalSeconds, Durable(statuses.Values), storage, idle, idleWindow, late, lateWindow);
    }

    /// <summary>
    /// A saga's Durable actions, from its status: one orchestration; per step or compensation attempt, one activity (the command
    /// send) and one external event (the reply); per retry, one timer (the backoff). The reply waits share one timeout timer
    /// (<c>DurableSagaContext.WaitForEventSharingTimerAsync</c>), armed again only when a wait outlives it: replayed here
    /// from the attempts' saga times. Episodes: the start, then one per activity completion and one per event (a timer that
    /// fires adds one; on the happy path none does).
    /// </summary>
    private static DurableActions Durable(IEnumerable<JsonElement> statuses)
    {
        long orchestrations = 0, activities = 0, events = 0, timers = 0;
        foreach (var s in statuses)
        {
            orchestrations++;
            var records = s.GetProperty("steps").EnumerateArray().Concat(s.GetProperty("compensations").EnumerateArray()).ToList();
            foreach (var step in records)
            {
                var attempts = step.GetProperty("attempts").GetInt32();
                activities += attempts;
                timers += Math.Max(0, attempts - 1);
                events += step.GetProperty("status").GetString() is "TimedOut" ? attempts - 1 : attempts;
            }
            timers += ReplyWaitTimers(records.SelectMany(r => r.GetProperty("attemptLog").EnumerateArray()));
        }
        return new DurableActions(orchestrations, activities, events, timers, orchestrations + activities + events);
    }

    /// <summary>The timers the reply waits of these attempts armed: a new one when none is pending or it fires after the wait's due, and again when it fires first.</summary>
    private static long ReplyWaitTimers(IEnumerable<JsonElement> attempts)
    {
        long timers = 0;
        DateTimeOffset? fireAt = null;
        foreach (var a in attempts.OrderBy(a => a.GetProperty("startedAt").GetDateTimeOffset()))
        {
            if (a.GetProperty("reason").GetString()?.StartsWith("send failed", StringComparison.Ordinal) == true) continue; // never waited
            var start = a.GetProperty("startedAt").GetDateTimeOffset();
            var due = start + StepTimeout;
            if (fireAt is not { } f || f <= start || f > due) (timers, fireAt) = (timers + 1, due);
            var end = a.GetProperty("finishedAt").ValueKind == JsonValueKind.String ? a.GetProperty("finishedAt").GetDateTimeOffset() : due;
            if (fireAt < due && end >= fireAt) (timers, fireAt) = (timers + 1, due);
        }
        return timers;
    }

    private static async Task<Dictionary<string, Tally>> OperationsAsync(HttpClient operatorClient)
    {
        using var response = await operatorClient.GetAsync("api/admin/operations");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Dictionary<string, Tally>>(Web))!;
    }

    private static void Print(Run run, int n, int memoryMb, int durableMs)
    {
        double Per(double total) => total / n;
        var ops = run.Operations;
        Tally Of(string name) => ops.GetValueOrDefault(name) ?? new Tally(0, 0, 0, 0);
        Console.WriteLine($"ended         {run.Completed}/{n} Completed in {run.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine();
        Console.WriteLine("Cosmos DB, per checkout (counted at the store port and the outbox feed; RU from the published per-size table)");
        Console.WriteLine($"  {"operation",-22} {"count",8} {"avg bytes",10} {"RU",8}");
        double ru = 0;
        foreach (var (name, t) in ops.Where(p => p.Key.StartsWith("cosmos.", StringComparison.Ordinal) && p.Value.Count > 0).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ru += t.RequestUnits;
            Console.WriteLine($"  {name["cosmos.".Length..],-22} {Per(t.Count),8:F2} {(t.Bytes > 0 ? t.Bytes / (double)t.Count : 0),10:F0} {Per(t.RequestUnits),8:F2}");
        }
        Console.WriteLine($"  {"total",-22} {"",8} {"",10} {Per(ru),8:F2}");
        Console.WriteLine();

        Console.WriteLine("Service Bus, per checkout (counted at the publisher and each delivery's settlement)");
        long sbOps = 0;
        foreach (var (name, t) in ops.Where(p => p.Key.StartsWith("serviceBus.", StringComparison.Ordinal) && p.Value.Count > 0).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sbOps += t.Count;
            Console.WriteLine($"  {name["serviceBus.".Length..],-22} {Per(t.Count),8:F2} {(t.Bytes > 0 ? t.Bytes / (double)t.Count : 0),10:F0}");
        }
        Console.WriteLine($"  {"billable (Standard)",-22} {Per(sbOps),8:F2}   (every send, receive and settlement is one operation; messages are under 64 KB)");
        Console.WriteLine();

        var d = run.Durable;
        Console.WriteLine("Durable actions, per checkout (from each checkout's saga status)");
        Console.WriteLine($"  orchestrations {Per(d.Orchestrations):F2}, activities {Per(d.Activities):F2}, external events {Per(d.Events):F2}, timers {Per(d.Timers):F2}, orchestrator episodes {Per(d.Episodes):F2}");
        double storageMoney = 0;
        if (run.Storage is { } storage)
        {
            var idlePerSecond = run.IdleStorage is { } idle ? idle.Total / run.IdleWindow.TotalSeconds : 0;
            var idleDuringRun = idlePerSecond * run.Elapsed.TotalSeconds;
            Console.WriteLine($"Azure Storage transactions, per checkout (Azurite's log over the run; {idlePerSecond:F1}/s of them are the engine's idle polling)");
            foreach (var (service, count) in storage.Services)
                Console.WriteLine($"  {service,-22} {Per(count),8:F2}");
            var work = Math.Max(0, storage.Total - idleDuringRun);
            Console.WriteLine($"  {"total",-22} {Per(storage.Total),8:F2}   (less idle polling: {Per(work):F2})");
            Console.WriteLine("  most made: " + string.Join(", ", storage.Operations.OrderByDescending(p => p.Value).Take(8).Select(p => $"{p.Key} {Per(p.Value):F2}")));
            double lateWork = 0;
            if (run.LateStorage is { } late)
            {
                lateWork = Math.Max(0, late.Total - idlePerSecond * run.LateWindow.TotalSeconds);
                Console.WriteLine($"  then, in the {run.LateWindow.TotalSeconds:F0} s after the last checkout ended: {Per(late.Total):F2} ({Per(lateWork):F2} less idle polling: the step timers firing late)");
            }
            storageMoney = storage.Services.Sum(p => p.Value * p.Key switch
            {
                "queue" => ListPrices.QueuePer10K,
                "table" => ListPrices.TablePer10K,
                _ => ListPrices.BlobPer10K,
            } / 10_000) * ((work + lateWork) / Math.Max(1, storage.Total));
            Console.WriteLine($"  {"priced",-22} {Per(work + lateWork),8:F2}   (the run and the late timers, less idle polling; at the run's queue/table/blob mix)");
        }
        Console.WriteLine();

        var bus = Of("functions.serviceBusTrigger");
        var feed = Of("functions.changeFeedTrigger");
        var durableExecutions = d.Episodes + d.Activities;
        var executions = n + bus.Count + feed.Count + durableExecutions;
        var seconds = run.PlaceSeconds + bus.Seconds + feed.Seconds + durableExecutions * durableMs / 1000.0;
        var gbSeconds = seconds * memoryMb / 1024.0;
        Console.WriteLine($"Function executions, per checkout (counted; seconds measured, Durable ones assumed {durableMs} ms; memory assumed {memoryMb} MB)");
        Console.WriteLine($"  http (place order)     {1.0,8:F2}  {run.PlaceSeconds / n * 1000,8:F1} ms");
        Console.WriteLine($"  service bus trigger    {Per(bus.Count),8:F2}  {(bus.Count > 0 ? bus.Seconds / bus.Count * 1000 : 0),8:F1} ms");
        Console.WriteLine($"  change feed trigger    {Per(feed.Count),8:F2}  {(feed.Count > 0 ? feed.Seconds / feed.Count * 1000 : 0),8:F1} ms");
        Console.WriteLine($"  durable (episodes+activities) {Per(durableExecutions),1:F2}");
        Console.WriteLine($"  total                  {Per(executions),8:F2}  {Per(gbSeconds),8:F4} GB-s (upper bound: each execution billed alone; Flex bills an instance's memory once for executions that overlap)");
        Console.WriteLine();

        const double Million = 1_000_000;
        var cosmosServerless = Per(ru) * Million / 1e6 * ListPrices.CosmosServerlessPerMillionRu;
        var cosmosProvisioned = Per(ru) * Million / (100 * 3600.0) * ListPrices.CosmosProvisionedPer100RuSecondHour;
        var serviceBus = Per(sbOps) * Million / 1e6 * ListPrices.ServiceBusStandardPerMillionOps;
        var functions = Per(executions) * Million / 1e6 * ListPrices.FlexPerMillionExecutions + Per(gbSeconds) * Million * ListPrices.FlexPerGbSecond;
        var storageTotal = Per(storageMoney) * Million;
        Console.WriteLine($"Money per 1,000,000 checkouts ({ListPrices.Stated}; no free grants)");
        Console.WriteLine($"  Cosmos DB serverless            ${cosmosServerless,10:F2}   (provisioned, fully used: ${cosmosProvisioned:F2})");
        Console.WriteLine($"  Service Bus Standard operations ${serviceBus,10:F2}");
        Console.WriteLine($"  Functions Flex Consumption      ${functions,10:F2}");
        if (run.Storage is not null) Console.WriteLine($"  Storage (Durable task hub)      ${storageTotal,10:F2}");
        Console.WriteLine($"  total (Cosmos serverless)       ${cosmosServerless + serviceBus + functions + storageTotal,10:F2}");
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx"))) return dir.FullName;
        return null;
    }
}
