using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Orderly.Benchmarks.Cost;

/// <summary>
/// A fresh local host this command starts (the Release build next to the benchmarks, on a free loopback port, in a temporary
/// data folder) and stops with itself; signed-in clients for it from its dev token issuer.
/// </summary>
public sealed class ChildHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly bool _ownsData;
    private readonly List<string> _output = [];

    private ChildHost(Process process, string dataPath, bool ownsData, Uri baseUrl)
    {
        _process = process;
        DataPath = dataPath;
        _ownsData = ownsData;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The host's data folder.</summary>
    public string DataPath { get; }

    /// <summary>The host's process id (for reading its memory and CPU time from /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts the host at <paramref name="dll"/> with <paramref name="settings"/> and waits until it answers its health route;
    /// in <paramref name="dataPath"/> (kept afterwards) when given, else in a temporary folder deleted with the host.
    /// </summary>
    public static async Task<ChildHost> StartAsync(string dll, IReadOnlyDictionary<string, string> settings, string? dataPath = null)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
        var ownsData = dataPath is null;
        dataPath ??= Path.Combine(Path.GetTempPath(), "orderly-cost-" + Guid.NewGuid().ToString("N")[..12]);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ORDERLY_URLS"] = baseUrl.ToString().TrimEnd('/');
        start.Environment["ORDERLY_DATA_PATH"] = dataPath;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["LocalHost__StopWithParentProcessId"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in settings) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet for the local host");
        var host = new ChildHost(process, dataPath, ownsData, baseUrl);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        return host;
    }

    /// <summary>A client carrying a dev token for <paramref name="subject"/> in <paramref name="role"/>.</summary>
    public async Task<HttpClient> SignedInAsync(string subject, string role)
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.PostAsJsonAsync("api/dev/token", new { subject, roles = new[] { role } });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Stops the host as Ctrl+C would (SIGTERM: consumers drain, the database closes), killing it after 30 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        await GracefulStop.TerminateAsync(_process, TimeSpan.FromSeconds(30));
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
        if (!_ownsData) return;
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 40) _output.RemoveAt(0);
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) break;
            try
            {
                using var response = await http.GetAsync("api/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        string said;
        lock (_output) said = string.Join(Environment.NewLine, _output);
        throw new InvalidOperationException($"The local host did not become healthy within {timeout.TotalSeconds:F0} s; it said:{Environment.NewLine}{said}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
