using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Orderly.EndToEnd.Support;

/// <summary>One local host process on a given folder and port, for tests that start, refuse or reset hosts of their own.</summary>
public sealed class LocalHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _standardOutput = [];
    private readonly List<string> _standardError = [];

    private LocalHostProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public HttpClient Client { get; }

    /// <summary>The non-empty lines the process wrote to standard output, so far.</summary>
    public IReadOnlyList<string> StandardOutput { get { lock (_lines) return [.. _standardOutput]; } }

    /// <summary>The non-empty lines the process wrote to standard error, so far.</summary>
    public IReadOnlyList<string> StandardError { get { lock (_lines) return [.. _standardError]; } }

    public static LocalHostProcess Start(string dataPath, int port, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var process = new Process { StartInfo = LocalHostCommand.StartInfo(dataPath, $"http://127.0.0.1:{port}", environment, arguments) };
        var host = new LocalHostProcess(process, port);
        process.OutputDataReceived += (_, e) => host.Add(e.Data, host._standardOutput);
        process.ErrorDataReceived += (_, e) => host.Add(e.Data, host._standardError);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Add(string? line, List<string> stream)
    {
        if (line is null) return;
        lock (_lines)
        {
            _lines.Add(line);
            if (line.Length > 0) stream.Add(line);
        }
    }

    /// <summary>What the process printed, every line, once it has exited (or been killed after a minute).</summary>
    public async Task<(int ExitCode, IReadOnlyList<string> Lines)> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected output
        lock (_lines) return (_process.ExitCode, _lines.Where(l => l.Length > 0).ToList());
    }

    public async Task WaitUntilHealthyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) break;
            try
            {
                using var response = await Client.GetAsync("api/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        string printed;
        lock (_lines) printed = string.Join('\n', _lines.TakeLast(40));
        throw new TimeoutException($"The local host on port {Port} did not become healthy:\n{printed}");
    }

    public async Task<HttpClient> SignedInAsync(string subject, params string[] roles)
    {
        using var response = await Client.PostAsJsonAsync("api/dev/token", new { subject, roles });
        var token = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
        var client = new HttpClient { BaseAddress = Client.BaseAddress, Timeout = Client.Timeout };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static int FreePort() => LocalHostCommand.FreePort();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        Client.Dispose();
    }
}
