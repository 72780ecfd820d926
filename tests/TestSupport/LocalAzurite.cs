using System.Diagnostics;
using System.Text.RegularExpressions;

// Shared by the test projects that run the saga on the Durable Task Framework's Azure Storage backend (linked through the csproj).
namespace Orderly.TestSupport;

/// <summary>
/// The storage account the Azure Storage saga tests use: <c>ORDERLY_AZURITE_CONNECTION</c> when set (tests/run.sh starts one
/// Azurite for the whole run and sets it), else an Azurite of this test process from tests/azurite (installed by tests/run.sh,
/// or <c>npm ci --prefix tests/azurite</c>), in memory, on ports the OS picks, gone with the process.
/// </summary>
public static partial class LocalAzurite
{
    public const string Variable = "ORDERLY_AZURITE_CONNECTION";

    // Azurite's one development account and its key: published in Azurite's documentation, valid only against an emulator.
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<Task<string>> Connection = new(ConnectAsync);
    private static Process? _own;

    /// <summary>A connection string to a running Azurite; throws, saying how to get one, when there is none.</summary>
    public static Task<string> ConnectionStringAsync() => Connection.Value;

    private static async Task<string> ConnectAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return given;
        var script = RepositoryRoot() is { } root ? ScriptUnder(root) : null;
        if (script is null)
            throw new InvalidOperationException($"No Azurite: set {Variable}, or install it with `npm ci --prefix tests/azurite` (tests/run.sh does both).");
        var (process, connection) = await StartAsync(script);
        _own = process;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } };
        return connection;
    }

    /// <summary>The Azurite script of tests/azurite under <paramref name="root"/>, or null when it is not installed.</summary>
    public static string? ScriptUnder(string root)
    {
        var script = Path.Combine(root, "tests", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");
        return File.Exists(script) ? script : null;
    }

    /// <summary>
    /// Starts an Azurite from <paramref name="script"/>, in memory, on loopback ports the OS picks, with
    /// <paramref name="extraArguments"/> (e.g. <c>--debug</c> and a log path); answers once all three services listen. The caller
    /// owns the process; one that does not come up is killed.
    /// </summary>
    public static async Task<(Process Process, string ConnectionString)> StartAsync(string script, params string[] extraArguments)
    {
        var start = new ProcessStartInfo("node", [script, "--inMemoryPersistence", "--extentMemoryLimit", "256", "--disableTelemetry", "--silent",
            .. extraArguments, "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0", "--tableHost", "127.0.0.1", "--tablePort", "0"])
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
                ports[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (ports.Count == 3) ready.TrySetResult();
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"Azurite exited with {process.ExitCode} before listening"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.Dispose();
            throw;
        }
        return (process, ConnectionString(ports["Blob"], ports["Queue"], ports["Table"]));
    }

    /// <summary>The connection string of an Azurite listening on these ports of 127.0.0.1.</summary>
    public static string ConnectionString(int blob, int queue, int table) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx"))) return dir.FullName;
        return null;
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://[^:]+:(\d+)")]
    private static partial Regex Listening();
}
