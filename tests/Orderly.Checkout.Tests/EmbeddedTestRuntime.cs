using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Orchestrations.Embedded;

namespace Orderly.Checkout.Tests;

/// <summary>The embedded runner on a temporary SQLite file; a second runtime on the same <see cref="Path"/> is a restart.</summary>
public sealed class EmbeddedTestRuntime(string path) : TestSagaRuntime
{
    private SqliteDatabase? _database;
    private EmbeddedSagaRunner? _runner;

    public string Path { get; } = path;

    /// <summary>The runner's bound on sagas running at once.</summary>
    public int MaxConcurrentSagas { get; init; } = 32;

    /// <summary>How long a finished saga's journal is kept (the runner's default unless set).</summary>
    public TimeSpan? FinishedJournalRetention { get; init; }

    /// <summary>False for a runtime whose file a later one reopens (restart tests).</summary>
    public bool DeleteOnDispose { get; set; } = true;

    /// <summary>Opens a broker on the runner's database and registers it, as the local host does (send steps then ride in turns).</summary>
    public bool WithBroker { get; init; }

    public EmbeddedSagaRunner Runner => _runner ?? throw new InvalidOperationException("The runner has not started.");

    /// <summary>The broker on the runner's database (with <see cref="WithBroker"/>).</summary>
    public EmbeddedBroker Broker { get; private set; } = null!;

    /// <summary>The runner's database (its <see cref="SqliteDatabase.Faults"/> seam makes the store fail for a while).</summary>
    public SqliteDatabase Database => _database ?? throw new InvalidOperationException("The runner has not started.");

    public override TestSagaRuntime Restarted()
    {
        DeleteOnDispose = false;
        return new EmbeddedTestRuntime(Path) { MaxConcurrentSagas = MaxConcurrentSagas, WithBroker = WithBroker };
    }

    public static string NewPath() => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orderly-saga-tests", Guid.NewGuid().ToString("N") + ".db");

    public override void AddTo(IServiceCollection services)
    {
        _database = new SqliteDatabase(Path);
        if (WithBroker)
        {
            Broker = EmbeddedBroker.OpenAsync(_database).GetAwaiter().GetResult();
            services.AddSingleton(Broker);
        }
        services.AddEmbeddedSagaRunner(_ => _database, o =>
        {
            o.MaxConcurrentSagas = MaxConcurrentSagas;
            if (FinishedJournalRetention is { } retention) o.FinishedJournalRetention = retention;
        });
    }

    // The runner takes its logger factory from the services (the harness registers the test's one there).
    public override Task StartAsync(IServiceProvider services, ILoggerFactory? loggers)
    {
        _runner = services.GetRequiredService<EmbeddedSagaRunner>();
        return _runner.StartAsync(CancellationToken.None);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_runner is not null) await _runner.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        if (DeleteOnDispose) DeleteFiles(Path);
    }

    /// <summary>How many journal entries the saga <paramref name="instanceId"/> has in <paramref name="database"/>.</summary>
    public static long JournalEntries(SqliteDatabase database, string instanceId) => database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM saga_journal WHERE instance_id = $id";
        cmd.Parameters.AddWithValue("$id", instanceId);
        return (long)cmd.ExecuteScalar()!;
    });

    /// <summary>Removes a test database and its WAL files.</summary>
    public static void DeleteFiles(string path)
    {
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
        {
            try { File.Delete(f); } catch (IOException) { } // best effort: a leftover temp file harms nothing
        }
    }
}
