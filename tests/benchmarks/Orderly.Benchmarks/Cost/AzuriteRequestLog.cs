using System.Diagnostics;
using System.Text.RegularExpressions;
using Orderly.TestSupport;

namespace Orderly.Benchmarks.Cost;

/// <summary>
/// An Azurite of this command (started by <see cref="LocalAzurite.StartAsync"/>) with its debug log on, so every request
/// the Durable Task Framework's Azure Storage backend makes is one line to count: by service (blob, queue, table) from the
/// <c>…StorageContextMiddleware: RequestMethod=</c> line Azurite writes per request, and by operation from its
/// <c>DispatchMiddleware: Operation=</c> line.
/// </summary>
public sealed partial class AzuriteRequestLog : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _logPath;

    private AzuriteRequestLog(Process process, string logPath, string connectionString)
    {
        _process = process;
        _logPath = logPath;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteRequestLog> StartAsync(string script)
    {
        var logPath = Path.Combine(Path.GetTempPath(), "orderly-cost-azurite-" + Guid.NewGuid().ToString("N")[..8] + ".log");
        var (process, connection) = await LocalAzurite.StartAsync(script, "--debug", logPath);
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
