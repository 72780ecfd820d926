using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Orderly.TestSupport;

namespace Orderly.Benchmarks;

/// <summary>
/// Load on a running shop over HTTP only:
/// <c>load --base-url http://localhost:7071 --orders N --concurrency C [--rate R] [--skus K] [--token tok_visa] [--wait stats|orders] [--timeline MS]</c>.
/// Creates its own products, places N orders (C at a time, or R per second), waits for every checkout to finish, checks the
/// books (stock sold = confirmed quantities, one captured payment per confirmed order) and prints throughput and latency.
/// </summary>
public static class LoadBenchmark
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string[] args)
    {
        var line = new CommandLine("load", "places orders on a running shop over HTTP, waits for every checkout, checks the books", args);
        var o = Options.Read(line);
        if (line.Stop(out var exit)) return exit;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = o.Concurrency,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        { BaseAddress = new Uri(o.BaseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };

        Console.WriteLine($"load: {o.Orders} orders against {http.BaseAddress}, " +
                          (o.Rate is { } r ? $"{r}/s open loop" : $"concurrency {o.Concurrency}") + $", {o.Skus} skus, token {o.Token}");
        // Every route wants a token: the host's dev issuer gives one per identity (an operator reads, a shop admin stocks,
        // each customer places their own orders; 1,000 customers keep each under the per-customer rate limit).
        var run = Guid.NewGuid().ToString("N")[..8];
        http.DefaultRequestHeaders.Authorization = await BearerAsync(http, "load-operator", "operator");
        var admin = await BearerAsync(http, "load-admin", "shop-admin");
        var customers = await Task.WhenAll(Enumerable.Range(0, Math.Min(o.Orders, 1000)).Select(c => BearerAsync(http, $"load-{run}-c{c}", "customer")));
        var statsBefore = await StatsAsync(http);

        // Products with more stock than the run can sell, so every order should confirm.
        var skus = Enumerable.Range(0, o.Skus).Select(i => $"load-{run}-{i}").ToArray();
        var initialStock = o.Orders * 3 * 2 + 10;
        foreach (var sku in skus)
        {
            (await SendAsync(http, HttpMethod.Put, $"api/inventory/products/{sku}", new { name = "Load " + sku, unitPrice = 2.50m, currency = "EUR" }, admin)).EnsureSuccessStatusCode();
            (await SendAsync(http, HttpMethod.Post, $"api/inventory/products/{sku}/stock", new { quantity = initialStock }, admin)).EnsureSuccessStatusCode();
        }

        var random = new Random(42);
        var bodies = Enumerable.Range(0, o.Orders).Select(i =>
        {
            var lines = random.Next(1, 3);
            return new
            {
                customerId = $"load-{run}-c{i % customers.Length}",
                items = Enumerable.Range(0, lines).Select(l => new { sku = skus[(i + l) % skus.Length], quantity = random.Next(1, 4) }).ToArray(),
                shippingAddress = new { name = "Load Test", line1 = "1 Bench St", city = "Utrecht", postalCode = "3511", country = "NL" },
                paymentToken = o.Token,
            };
        }).ToArray();

        // Place.
        var latencies = new double[o.Orders];
        var started = new double[o.Orders]; // ms from the first request, for the timeline
        var orderIds = new string?[o.Orders];
        var failures = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        var answered = 0;
        // A long run says how far it is, every 5 s, on standard error (standard output keeps the figures alone).
        using var progress = new Timer(_ => Console.Error.WriteLine(
            $"  {clock.Elapsed.TotalSeconds,6:F0} s  placed {Volatile.Read(ref answered)}/{o.Orders}"), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        async Task Place(int i)
        {
            started[i] = clock.Elapsed.TotalMilliseconds;
            var sw = Stopwatch.StartNew();
            try
            {
                using var response = await SendAsync(http, HttpMethod.Post, "api/orders", bodies[i], customers[i % customers.Length]);
                latencies[i] = sw.Elapsed.TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    failures.Add($"order {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    return;
                }
                orderIds[i] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                latencies[i] = sw.Elapsed.TotalMilliseconds;
                failures.Add($"order {i}: {e.GetType().Name} {e.Message}");
            }
            finally
            {
                Interlocked.Increment(ref answered);
            }
        }

        if (o.Rate is { } rate)
        {
            var tasks = new List<Task>(o.Orders);
            for (var i = 0; i < o.Orders; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                tasks.Add(Place(i));
            }
            await Task.WhenAll(tasks);
        }
        else
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < o.Orders) await Place(i);
            }));
        }
        var placedIn = clock.Elapsed;
        progress.Change(Timeout.Infinite, Timeout.Infinite);

        // Wait for every checkout to end. Where the host has /api/admin/stats (the local host), watch its finished-saga count
        // first, so the waiting does not cost the host an HTTP read of every pending order ten times a second (that polling
        // took about a third of the host's CPU and slowed the very checkouts it was timing); then read every order, C at a
        // time, until each has its outcome (`--wait orders` skips the counter and polls the orders only, as before).
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(o.TimeoutSeconds);
        var accepted = Enumerable.Range(0, o.Orders).Where(i => orderIds[i] is not null).ToList();
        if (o.Wait != "orders" && Finished(statsBefore) is { } finishedBefore)
        {
            var said = clock.Elapsed;
            while (clock.Elapsed < deadline && Finished(await StatsAsync(http)) is { } finishedNow && finishedNow - finishedBefore < accepted.Count)
            {
                if (clock.Elapsed - said >= TimeSpan.FromSeconds(5))
                {
                    said = clock.Elapsed;
                    Console.Error.WriteLine($"  {said.TotalSeconds,6:F0} s  checkouts finished {finishedNow - finishedBefore}/{accepted.Count}");
                }
                await Task.Delay(100);
            }
        }
        var outcomes = await Books.WaitForOutcomesAsync(http, accepted.Select(i => orderIds[i]!).ToList(),
            deadline - clock.Elapsed, o.Concurrency);
        var finishedIn = clock.Elapsed;
        foreach (var i in accepted.Where(i => !outcomes.ContainsKey(orderIds[i]!))) failures.Add($"order {orderIds[i]} not finished after {o.TimeoutSeconds}s");

        // The books (tests/TestSupport/Books.cs, the same check the fault suite runs after each scenario).
        var placed = accepted.Select(i => new PlacedOrder(orderIds[i]!, bodies[i].customerId,
            bodies[i].items.Select(l => new OrderLine(l.sku, l.quantity)).ToList(), bodies[i].paymentToken)).ToList();
        var books = await Books.CheckAsync(http, skus.ToDictionary(s => s, _ => initialStock), placed, o.Concurrency);

        // Report.
        var sorted = latencies.Where((_, i) => orderIds[i] is not null).Order().ToArray();
        Console.WriteLine($"accepted      {accepted.Count}/{o.Orders} in {placedIn.TotalSeconds:F2}s = {accepted.Count / placedIn.TotalSeconds:F1} orders accepted/s");
        Console.WriteLine($"finished      {outcomes.Count} in {finishedIn.TotalSeconds:F2}s = {outcomes.Count / finishedIn.TotalSeconds:F1} checkouts/s end to end");
        Console.WriteLine($"outcomes      {books.Outcomes}");
        Console.WriteLine($"place latency p50 {Percentile(sorted, 0.50):F1} ms  p95 {Percentile(sorted, 0.95):F1} ms  p99 {Percentile(sorted, 0.99):F1} ms  max {(sorted.Length > 0 ? sorted[^1] : 0):F1} ms");
        if (o.TimelineMs > 0) PrintTimeline(accepted.Select(i => (started[i], latencies[i])).ToList(), o.TimelineMs);
        Console.WriteLine(books.Balance
            ? "books         balance (stock sold = confirmed quantities, reserved 0; one captured payment per confirmed order; one effect each)"
            : "books         DO NOT BALANCE");
        foreach (var e in books.Errors.Take(20)) Console.WriteLine("  " + e);
        if (!failures.IsEmpty)
        {
            Console.WriteLine($"failures      {failures.Count}");
            foreach (var f in failures.Take(10)) Console.WriteLine("  " + f);
        }
        var statsAfter = await StatsAsync(http);
        if (statsAfter is not null) PrintStats(statsBefore, statsAfter.Value, finishedIn);
        return failures.IsEmpty && books.Balance ? 0 : 1;
    }

    /// <summary>
    /// The place latencies by when each request started, a row per <paramref name="bucketMs"/>, and the ten slowest: slow
    /// requests all at the start are a cold host's first-use costs, slow ones spread over the run are contention.
    /// </summary>
    private static void PrintTimeline(List<(double Start, double Latency)> requests, int bucketMs)
    {
        Console.WriteLine($"place latency by start ({bucketMs} ms rows)   n     p50     p99     max");
        foreach (var row in requests.GroupBy(r => (int)(r.Start / bucketMs)).OrderBy(g => g.Key))
        {
            var sorted = row.Select(r => r.Latency).Order().ToArray();
            Console.WriteLine($"  {row.Key * bucketMs,6} ms {"",19} {sorted.Length,5} {Percentile(sorted, 0.50),7:F1} {Percentile(sorted, 0.99),7:F1} {sorted[^1],7:F1}");
        }
        Console.WriteLine("slowest places: " + string.Join(", ",
            requests.OrderByDescending(r => r.Latency).Take(10).Select(r => $"{r.Latency:F0} ms at +{r.Start:F0}")));
    }

    /// <summary>Stats that are levels or ratios, not counters: printed as they stand at the end, not differenced.</summary>
    private static readonly HashSet<string> Gauges = ["uptimeSeconds", "groupCommitFactor", "sagasInFlight", "sagaMaxConcurrency"];

    /// <summary>The runtime figures that only grow (the rest of <c>runtime</c> are levels), differenced like the counters.</summary>
    private static readonly string[] RuntimeCounters = ["jitCompiledMethods", "jitMilliseconds", "cpuMilliseconds", "gen0Collections", "gen2Collections"];

    private static long? Finished(JsonElement? stats) =>
        stats is { } s && s.TryGetProperty("sagasFinished", out var f) && f.TryGetInt64(out var n) ? n : null;

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>A bearer token from the host's dev issuer (<c>POST /api/dev/token</c>).</summary>
    private static async Task<AuthenticationHeaderValue> BearerAsync(HttpClient http, string subject, string role)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/dev/token") { Content = JsonContent.Create(new { subject, roles = new[] { role } }) };
        request.Headers.Authorization = null;
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, object body, AuthenticationHeaderValue caller)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = caller;
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement?> StatsAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("api/admin/stats");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>(Web) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Where the time went, from the host's counters (differences over the run for the numeric ones).</summary>
    private static void PrintStats(JsonElement? before, JsonElement after, TimeSpan elapsed)
    {
        Console.WriteLine("host counters over the run (/api/admin/stats):");
        foreach (var p in after.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number && !Gauges.Contains(p.Name) && before is { } b && b.TryGetProperty(p.Name, out var old) && old.ValueKind == JsonValueKind.Number)
            {
                var delta = p.Value.GetDouble() - old.GetDouble();
                Console.WriteLine($"  {p.Name,-28} {delta,12:F0}  ({delta / elapsed.TotalSeconds:F1}/s)");
            }
            else
            {
                Console.WriteLine($"  {p.Name,-28} {p.Value}");
            }
        }
        if (before is not { } start || !start.TryGetProperty("runtime", out var from) || !after.TryGetProperty("runtime", out var to)) return;
        foreach (var name in RuntimeCounters.Where(n => from.TryGetProperty(n, out _) && to.TryGetProperty(n, out _)))
        {
            var delta = to.GetProperty(name).GetDouble() - from.GetProperty(name).GetDouble();
            Console.WriteLine($"  {"runtime." + name,-28} {delta,12:F0}  ({delta / elapsed.TotalSeconds:F1}/s)");
        }
    }

    private sealed record Options(string BaseUrl, int Orders, int Concurrency, double? Rate, int Skus, string Token, int TimeoutSeconds, string Wait, int TimelineMs)
    {
        public static Options Read(CommandLine line) => new(
            line.Text("--base-url", Environment.GetEnvironmentVariable("ORDERLY_BASE_URL") ?? "http://localhost:7071", "the shop (ORDERLY_BASE_URL when set)"),
            line.Int("--orders", 200, "orders to place"),
            line.Int("--concurrency", 16, "requests in flight at once (and connections)"),
            line.Number("--rate", null, "orders per second, open loop, instead of a closed loop of --concurrency"),
            line.Int("--skus", 10, "products the orders spread over"),
            line.Text("--token", "tok_visa", "payment token of every order (tok_decline…, tok_flaky…, tok_timeout… to see those paths)"),
            line.Int("--timeout", 300, "seconds to wait for every checkout to end"),
            line.Text("--wait", "stats", "how to wait: stats (the host's finished-saga counter) or orders (poll each order)"),
            line.Int("--timeline", 0, "also print the place latencies by start time, in rows of this many ms, and the ten slowest (0: off)", least: 0));
    }
}
