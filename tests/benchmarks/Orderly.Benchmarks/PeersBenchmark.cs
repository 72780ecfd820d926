using System.Diagnostics;
using DurableTask.AzureStorage;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Embedded;
using Orderly.Orchestrations;
using Orderly.Orchestrations.Durable;
using Orderly.Orchestrations.Durable.AzureStorage;
using Orderly.Orchestrations.Embedded;
using Orderly.TestSupport;

namespace Orderly.Benchmarks;

/// <summary>
/// The embedded saga runner against the engines it stands in for, on the same work: N sagas of six sequential steps whose
/// stub services answer at once, started in one burst, on (a) the embedded runner (SQLite journal, durable), (b) the Durable
/// Task Framework on its Azure Storage backend over Azurite (what Durable Functions runs, and what <c>func start</c> runs
/// locally), (c) the real Durable Task engine in memory (Microsoft.DurableTask.InProcessTestHost, not durable). Prints one
/// table: orchestrations/s, saga latency percentiles (start to Completed, as each engine recorded it), and the ratios.
/// </summary>
public static class PeersBenchmark
{
    private const string Saga = "PeerSaga";
    private const string Step = "PeerStep";
    private const int Steps = 6;

    private static readonly string[] Engines = ["embedded", "azure-storage", "durable-in-memory"];

    public static async Task<int> RunAsync(string[] args)
    {
        var line = new CommandLine("peers", "the same 6-step saga on the embedded runner, Durable Task on Azure Storage (Azurite) and Durable Task in memory", args);
        var sagas = line.Int("--sagas", 500, "orchestrations per engine");
        var starters = line.Int("--starters", 8, "concurrent callers starting them");
        var engines = line.Text("--engines", string.Join(',', Engines), "which engines, comma-separated");
        var timeoutSeconds = line.Int("--timeout", 600, "seconds an engine may take before the run fails");
        var warmup = line.Int("--warmup", 10, "sagas each engine runs first, not measured (JIT, connections, queues)", least: 0);
        if (line.Stop(out var exit)) return exit;
        var chosen = engines.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (chosen.FirstOrDefault(e => !Engines.Contains(e)) is { } unknown)
        {
            Console.Error.WriteLine($"peers: unknown engine '{unknown}' in --engines (known: {string.Join(", ", Engines)})");
            return 2;
        }

        var timeout = TimeSpan.FromSeconds(timeoutSeconds);
        Console.WriteLine($"peers benchmark: {sagas} sagas of {Steps} sequential steps (stubs answer at once), {starters} starters, {warmup} warm-up sagas per engine, " +
            $"{Environment.ProcessorCount} cores, load average {StartupBenchmark.LoadAverage()}");
        var results = new List<Result>();
        foreach (var engine in Engines.Where(chosen.Contains))
        {
            try
            {
                var result = engine switch
                {
                    "embedded" => await RunEmbeddedAsync(sagas, warmup, starters, timeout),
                    "azure-storage" => await RunAzureStorageAsync(sagas, warmup, starters, timeout),
                    _ => await RunDurableInMemoryAsync(sagas, warmup, starters, timeout),
                };
                results.Add(result);
                Console.WriteLine($"  {engine}: done in {result.Elapsed.TotalSeconds:N1} s");
            }
            catch (AzuriteMissingException missing)
            {
                Console.Error.WriteLine($"peers: {missing.Message}");
                return 1;
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| engine | durable | orchestrations/s | p50 ms | p99 ms | max ms |");
        Console.WriteLine($"|---|---|---:|---:|---:|---:|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Engine} | {(r.Durable ? "yes" : "no")} | {r.PerSecond:N0} | {r.P50:N0} | {r.P99:N0} | {r.Max:N0} |");
        if (results.FirstOrDefault(r => r.Engine == "embedded") is { } embedded)
            foreach (var other in results.Where(r => r != embedded))
                Console.WriteLine($"embedded against {other.Engine}: {embedded.PerSecond / other.PerSecond:N1}x the throughput, " +
                    $"{other.P50 / Math.Max(0.1, embedded.P50):N1}x lower p50 latency");
        return 0;
    }

    private static void AddPeerSaga(IServiceCollection services, StepCounter counter)
    {
        services.AddSaga<int, int>(Saga, async (_, context, first) =>
        {
            var value = first;
            for (var i = 0; i < Steps; i++) value = await context.CallStepAsync<int>(Step, value);
            return value;
        });
        services.AddSagaActivity<int, int>(Step, (_, value, _) =>
        {
            counter.Ran();
            return Task.FromResult(value + 1);
        });
    }

    private static async Task<Result> RunEmbeddedAsync(int sagas, int warmup, int starters, TimeSpan timeout)
    {
        var path = Path.Combine(Path.GetTempPath(), "orderly-peers-bench", Guid.NewGuid().ToString("N") + ".db");
        var database = new SqliteDatabase(path);
        var counter = new StepCounter();
        var services = new ServiceCollection();
        services.AddLogging();
        AddPeerSaga(services, counter);
        services.AddEmbeddedSagaRunner(_ => database); // the local host's defaults
        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<EmbeddedSagaRunner>();
        await runner.StartAsync(CancellationToken.None);
        try
        {
            var before = database.CommitStats;
            var result = await MeasureAsync("embedded", true, sagas, warmup, starters, counter, runner, runner, timeout);
            var after = database.CommitStats;
            // Every write of the runner is a unit of work; units share a commit (one fsync) when they come together.
            Console.WriteLine($"  embedded: {(double)(after.Units - before.Units) / (sagas + warmup):N1} units of work per saga, " +
                $"{(double)(after.Units - before.Units) / Math.Max(1, after.Commits - before.Commits):N1} units per commit");
            return result;
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
            await database.DisposeAsync();
            foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
        }
    }

    private static async Task<Result> RunAzureStorageAsync(int sagas, int warmup, int starters, TimeSpan timeout)
    {
        string connection;
        try
        {
            connection = await LocalAzurite.ConnectionStringAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            throw new AzuriteMissingException($"the Azure Storage engine needs Azurite and none could be started: {ex.Message}");
        }
        // The local host's settings (Sagas:AzureStorage), on a task hub of this run's own, deleted at the end.
        var options = new AzureStorageSagaOptions { ConnectionString = connection, TaskHub = "peers" + Guid.NewGuid().ToString("N")[..12] };
        var counter = new StepCounter();
        var services = new ServiceCollection();
        services.AddLogging(); // nothing written: the engine's own lines would cost it time the others do not pay
        AddPeerSaga(services, counter);
        services.AddAzureStorageSagaRuntime(options, "Sagas:AzureStorage");
        await using var provider = services.BuildServiceProvider();
        var worker = provider.GetRequiredService<TaskHubSagaWorker>();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            return await MeasureAsync("azure-storage", true, sagas, warmup, starters, counter, worker.Client, worker.Client, timeout);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            await worker.DisposeAsync();
            await new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
            {
                StorageAccountClientProvider = new StorageAccountClientProvider(options.ConnectionString),
                TaskHubName = options.TaskHub,
                LoggerFactory = NullLoggerFactory.Instance,
            }).DeleteAsync();
        }
    }

    private static async Task<Result> RunDurableInMemoryAsync(int sagas, int warmup, int starters, TimeSpan timeout)
    {
        var counter = new StepCounter();
        var services = new ServiceCollection();
        services.AddLogging();
        AddPeerSaga(services, counter);
        DurableTaskTestHost? host = null;
        services.AddDurableSagaRuntime(_ => host!.Client);
        await using var provider = services.BuildServiceProvider();
        // The test host as it comes (its worker's default concurrency), with a logger factory that writes nothing; its gRPC
        // sidecar is a default web host that logs every request to the console unless configuration says otherwise.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        host = await DurableTaskTestHost.StartAsync(tasks => tasks.AddSagas(provider.GetRequiredService<DurableSagaRunner>()),
            new DurableTaskTestHostOptions { LoggerFactory = NullLoggerFactory.Instance });
        try
        {
            var client = provider.GetRequiredService<DurableSagaClient>();
            return await MeasureAsync("durable-in-memory", false, sagas, warmup, starters, counter, client, client, timeout);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// Starts every saga in one burst, waits for every step to have run, then reads each instance until it is Completed:
    /// latency is from the start call to the engine's own record of the completion, throughput is N over first start to last completion.
    /// </summary>
    private static async Task<Result> MeasureAsync(string engine, bool durable, int sagas, int warmup, int starters, StepCounter counter,
        ISagaStarter starter, ISagaStatusReader status, TimeSpan timeout)
    {
        if (warmup > 0) await RoundAsync(engine, durable, warmup, starters, counter, starter, status, timeout);
        return await RoundAsync(engine, durable, sagas, starters, counter, starter, status, timeout);
    }

    private static async Task<Result> RoundAsync(string engine, bool durable, int sagas, int starters, StepCounter counter,
        ISagaStarter starter, ISagaStatusReader status, TimeSpan timeout)
    {
        counter.Expect(sagas * Steps);
        var run = Guid.NewGuid().ToString("N")[..8];
        var startedAt = new DateTimeOffset[sagas];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var t0 = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, starters).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < sagas)
            {
                startedAt[i] = DateTimeOffset.UtcNow;
                await starter.StartIfNotExistsAsync(Saga, $"peer-{run}-{i}", i);
            }
        })));
        // Waits for every step to have run, reading one saga a second meanwhile so a failing engine stops the run, named.
        while (!counter.AllRan.IsCompleted)
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"{engine}: {counter.Count} of {sagas * Steps} steps ran in {timeout}");
            await Task.WhenAny(counter.AllRan, Task.Delay(TimeSpan.FromSeconds(1)));
            if (await status.GetStatusAsync($"peer-{run}-0") is { RuntimeStatus: SagaRuntimeStatus.Failed } failed)
                throw new InvalidOperationException($"{engine}: saga 0 failed: {failed.Failure}");
        }

        var finishedAt = new DateTimeOffset[sagas];
        for (var i = 0; i < sagas; i++)
        {
            while (true)
            {
                var s = await status.GetStatusAsync($"peer-{run}-{i}");
                if (s?.RuntimeStatus == SagaRuntimeStatus.Completed)
                {
                    if (s.Output?.GetInt32() != i + Steps) throw new InvalidOperationException($"{engine}: saga {i} returned {s.Output}, not {i + Steps}");
                    finishedAt[i] = s.LastUpdatedAt;
                    break;
                }
                if (s?.RuntimeStatus == SagaRuntimeStatus.Failed) throw new InvalidOperationException($"{engine}: saga {i} failed: {s.Failure}");
                if (clock.Elapsed > timeout) throw new TimeoutException($"{engine}: saga {i} is still {s?.RuntimeStatus} after {timeout}");
                await Task.Delay(20);
            }
        }
        var latencies = Enumerable.Range(0, sagas).Select(i => (finishedAt[i] - startedAt[i]).TotalMilliseconds).Order().ToArray();
        var span = finishedAt.Max() - t0;
        double At(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
        return new Result(engine, durable, sagas / span.TotalSeconds, At(0.50), At(0.99), latencies[^1], span);
    }

    private sealed record Result(string Engine, bool Durable, double PerSecond, double P50, double P99, double Max, TimeSpan Elapsed);

    /// <summary>Counts step executions of one round; done when every saga's every step ran.</summary>
    private sealed class StepCounter
    {
        private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _expected = int.MaxValue;
        private int _ran;

        public Task AllRan => Volatile.Read(ref _all).Task;

        public int Count => Volatile.Read(ref _ran);

        /// <summary>Starts a round (the previous one has ended: every saga of it is Completed).</summary>
        public void Expect(int steps)
        {
            Volatile.Write(ref _all, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Volatile.Write(ref _ran, 0);
            Volatile.Write(ref _expected, steps);
        }

        public void Ran()
        {
            if (Interlocked.Increment(ref _ran) >= Volatile.Read(ref _expected)) Volatile.Read(ref _all).TrySetResult();
        }
    }

    private sealed class AzuriteMissingException(string message) : Exception(message);
}
