using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Embedded;
using Orderly.Orchestrations;
using Orderly.Orchestrations.Embedded;

namespace Orderly.Checkout.Tests;

/// <summary>An embedded saga runner on a temporary SQLite file, reopenable on the same file to simulate a restart.</summary>
public sealed class RunnerHarness : IAsyncDisposable
{
    private RunnerHarness(string path, SqliteDatabase db, ServiceProvider services, EmbeddedSagaRunner runner)
    {
        Path = path;
        Database = db;
        Services = services;
        Runner = runner;
    }

    public string Path { get; }
    public SqliteDatabase Database { get; }
    public ServiceProvider Services { get; }
    public EmbeddedSagaRunner Runner { get; }

    public static string NewPath() => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orderly-saga-tests", Guid.NewGuid().ToString("N") + ".db");

    /// <summary>False for a harness whose file a later one reopens (restart tests).</summary>
    public bool DeleteOnDispose { get; set; } = true;

    public static async Task<RunnerHarness> OpenAsync(string path, Action<IServiceCollection> configure, int maxConcurrentSagas = 32)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        configure(services);
        var provider = services.BuildServiceProvider();
        var db = new SqliteDatabase(path);
        var runner = new EmbeddedSagaRunner(db, provider, new EmbeddedSagaRunnerOptions
        {
            MaxConcurrentSagas = maxConcurrentSagas,
            TimerPollInterval = TimeSpan.FromMilliseconds(200),
        });
        await runner.StartAsync(CancellationToken.None);
        return new RunnerHarness(path, db, provider, runner);
    }

    /// <summary>Waits (polling the status, not sleeping blindly) until the instance satisfies <paramref name="condition"/>.</summary>
    public async Task<SagaInstanceStatus> WaitForAsync(string instanceId, Func<SagaInstanceStatus, bool> condition, int timeoutMs = 10_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        SagaInstanceStatus? last = null;
        while (!cts.IsCancellationRequested)
        {
            last = await Runner.GetStatusAsync(instanceId);
            if (last is not null && condition(last)) return last;
            await Task.Delay(10);
        }
        throw new TimeoutException($"Saga {instanceId} did not reach the condition; last: {last?.RuntimeStatus} {last?.CustomStatus} {last?.Failure}");
    }

    public Task<SagaInstanceStatus> WaitForEndAsync(string instanceId) =>
        WaitForAsync(instanceId, s => s.RuntimeStatus is SagaRuntimeStatus.Completed or SagaRuntimeStatus.Failed);

    public static T? Output<T>(SagaInstanceStatus s) => s.Output is { } o ? o.Deserialize<T>(SagaRegistration.JsonOptions) : default;

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        await Database.DisposeAsync();
        await Services.DisposeAsync();
        if (DeleteOnDispose) DeleteFiles(Path);
    }

    /// <summary>Removes a test database and its WAL files.</summary>
    public static void DeleteFiles(string path)
    {
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
        {
            try { File.Delete(f); } catch (IOException) { } // best effort: a leftover temp file harms nothing
        }
    }
}

/// <summary>Wait until a condition holds, polling briefly.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        while (!condition())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException("The condition never held.");
            await Task.Delay(10);
        }
    }
}
