using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Orderly.Benchmarks.Cost;

/// <summary>
/// An Azurite of this command (tests/azurite, in memory, loopback ports the OS picks) with its debug log on, so every request
/// the Durable Task Framework's Azure Storage backend makes is one line to count: by service (blob, queue, table) from the
/// <c>…StorageContextMiddleware: RequestMethod=</c> line Azurite writes per request, and by operation from its
/// <c>DispatchMiddleware: Operation=</c> line.
/// </summary>
public sealed partial class AzuriteRequestLog : IAsyncDisposable
{
    private const string Account = "devstoreaccount1";
    // Azurite's published development key: valid against an emulator only.
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string _logPath;

    private AzuriteRequestLog(Process process, string logPath, string connectionString)
    {
        _process = process;
        _logPath = logPath;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>The Azurite script of tests/azurite under <paramref name="root"/>, or null when it is not installed.</summary>
    public static string? ScriptUnder(string root)
    {
        var script = Path.Combine(root, "tests", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");
        return File.Exists(script) ? script : null;
    }

    public static async Task<AzuriteRequestLog> StartAsync(string script)
    {
        var logPath = Path.Combine(Path.GetTempPath(), "orderly-cost-azurite-" + Guid.NewGuid().ToString("N")[..8] + ".log");
        var start = new ProcessStartInfo("node", [script, "--inMemoryPersistence", "--extentMemoryLimit", "256", "--disableTelemetry", "--silent",
            "--debug", logPath, "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node for Azurite");
        var ports = new Dictionary<string, int>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null || Listening().Match(e.Data) is not { Success: true } m) return;
            lock (ports)
            {
                ports[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                if (ports.Count == 3) ready.TrySetResult();
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"Azurite exited with {process.ExitCode} before listening"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var connection = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
                         $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{Account};QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{Account};" +
                         $"TableEndpoint=http://127.0.0.1:{ports["Table"]}/{Account};";
        return new AzuriteRequestLog(process, logPath, connection);
    }

    /// <summary>Where the log stands now: what <see cref="CountSince"/> counts from.</summary>
    public long Mark() => File.Exists(_logPath) ? new FileInfo(_logPath).Length : 0;

    /// <summary>The requests logged since <paramref name="mark"/>: per service (<c>blob</c>, <c>queue</c>, <c>table</c>) and per operation.</summary>
    public StorageRequests CountSince(long mark)
    {
        var services = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var operations = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(mark, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (Request().Match(line) is { Success: true } r)
            {
                var service = r.Groups[1].Value.ToLowerInvariant();
                services[service] = services.GetValueOrDefault(service) + 1;
            }
            else if (Dispatch().Match(line) is { Success: true } d)
            {
                operations[d.Groups[1].Value] = operations.GetValueOrDefault(d.Groups[1].Value) + 1;
            }
        }
        return new StorageRequests(services, operations);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { File.Delete(_logPath); } catch (IOException) { }
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://[^:]+:(\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"(Blob|Queue|Table)StorageContextMiddleware: RequestMethod=")]
    private static partial Regex Request();

    [GeneratedRegex(@"DispatchMiddleware: Operation=(\w+)")]
    private static partial Regex Dispatch();
}

/// <summary>Storage requests counted in Azurite's log: per service and per operation.</summary>
public sealed record StorageRequests(IReadOnlyDictionary<string, long> Services, IReadOnlyDictionary<string, long> Operations)
{
    public long Total => Services.Values.Sum();
}
