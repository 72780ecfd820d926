using System.Diagnostics;
using System.Net;
using System.Text;

namespace Orderly.EndToEnd.Support;

/// <summary>
/// The shop under test: the URL in <c>ORDERLY_BASE_URL</c> when set, otherwise the built local host started as a child
/// process on a free port, with a temporary data folder and a short checkout step timeout.
/// </summary>
public sealed class ShopHost : IAsyncDisposable
{
    /// <summary>How long a checkout step waits for its reply in the host the tests start (tok_timeout orders need it short).</summary>
    public const string StepTimeout = "00:00:03";

    private readonly StringBuilder _output = new();
    private readonly string? _dll;
    private readonly string? _dataPath;
    private Process? _process;

    private readonly IReadOnlyDictionary<string, string> _environment;

    private ShopHost(Uri baseUrl, string? dll, string? dataPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        _environment = environment ?? new Dictionary<string, string>();
        BaseUrl = baseUrl;
        _dll = dll;
        _dataPath = dataPath;
        _sockets = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        // Azure has a URL per app: ORDERLY_APP_URLS (azd's output) routes each request to the app that serves it.
        _handler = dll is null && Environment.GetEnvironmentVariable("ORDERLY_APP_URLS") is { Length: > 0 } appUrls
            ? AppRouting.From(appUrls, _sockets)
            : _sockets;
        _checked = new ContractCheckingHandler(() => Contract) { InnerHandler = _handler };
        Client = new HttpClient(_checked, disposeHandler: false) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    private readonly SocketsHttpHandler _sockets;

    /// <summary>Where requests go: the shop's one base URL, or each app's own (<see cref="AppRouting"/>).</summary>
    private readonly HttpMessageHandler _handler;

    /// <summary>Every client's answers pass through here, to be held to the OpenAPI documents.</summary>
    private readonly ContractCheckingHandler _checked;

    /// <summary>The shop's OpenAPI documents, read once it is healthy; null before, or for a shop that serves none.</summary>
    public ApiContract? Contract { get; private set; }
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<HttpClient>>> _signedIn = new(StringComparer.Ordinal);

    /// <summary>
    /// A client that sends a token for <paramref name="subject"/> with <paramref name="roles"/>, from the dev issuer
    /// (<c>POST /api/dev/token</c>); one per identity, reused.
    /// </summary>
    public Task<HttpClient> SignedInAsync(string subject, params string[] roles) =>
        _signedIn.GetOrAdd($"{subject}|{string.Join(",", roles)}", _ => new Lazy<Task<HttpClient>>(async () =>
        {
            var token = await TokenAsync(subject, roles);
            var client = new HttpClient(_checked, disposeHandler: false) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return client;
        })).Value;

    /// <summary>
    /// An access token: against a shop the suite did not start, the role's <see cref="EnvironmentTokens"/> when set; else from
    /// the dev issuer, which only the local host has (a shop without it is answered with the variable to set).
    /// </summary>
    public async Task<string> TokenAsync(string subject, params string[] roles)
    {
        if (IsExternal && roles is [var role] && EnvironmentTokens.For(role) is { } given)
        {
            var holder = EnvironmentTokens.SubjectOf(given);
            if (role == "customer" && holder != subject)
                throw new InvalidOperationException($"{EnvironmentTokens.VariableFor(role)} is the token of customer '{holder}'; this check signs in as "
                    + $"customer '{subject}' too, so it needs a second customer and runs only against the local host (docs/azure-shell.md).");
            return given;
        }
        using var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(Client, "api/dev/token", new { subject, roles });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode && IsExternal)
            throw new InvalidOperationException($"The shop issues no dev tokens (POST /api/dev/token answered {(int)response.StatusCode}): set "
                + $"{string.Join(" / ", roles.Select(EnvironmentTokens.VariableFor))} to a token with the role {string.Join(", ", roles)} (docs/azure-shell.md).");
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/dev/token answered {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>True when the suite runs against a shop it did not start (ORDERLY_BASE_URL, or ORDERLY_APP_URLS with a URL per app).</summary>
    public static bool IsExternal =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ORDERLY_BASE_URL"))
        || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ORDERLY_APP_URLS"));

    public Uri BaseUrl { get; }

    public HttpClient Client { get; }

    /// <summary>The resident memory of the host the tests started (Linux /proc), or null for an external shop.</summary>
    public long? ResidentBytes()
    {
        if (_process is not { HasExited: false } process) return null;
        process.Refresh();
        return process.WorkingSet64;
    }

    /// <summary>True when the tests started the host themselves (so they may kill and restart it).</summary>
    public bool OwnsProcess => _dll is not null;

    /// <summary>The last lines the host printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.Length > 8000 ? _output.ToString(_output.Length - 8000, 8000) : _output.ToString();
        }
    }

    /// <summary>Every line the host printed so far, in order (for tests that read its log, e.g. with <c>Logging__Format=json</c>).</summary>
    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_output) return _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        }
    }

    /// <summary>Connects to <c>ORDERLY_BASE_URL</c>, or starts a fresh local host.</summary>
    public static Task<ShopHost> StartAsync() => StartAsync(null);

    /// <summary>Starts a fresh local host with extra settings in its environment (never an external shop: it would not have them).</summary>
    public static async Task<ShopHost> StartOwnAsync(IReadOnlyDictionary<string, string> environment)
    {
        var host = CreateOwn(environment);
        host.Launch();
        await host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    private static async Task<ShopHost> StartAsync(IReadOnlyDictionary<string, string>? environment)
    {
        var external = Environment.GetEnvironmentVariable("ORDERLY_BASE_URL");
        // With a URL per app, any of them stands as the base: the routing sends each request on to its own app.
        if (string.IsNullOrWhiteSpace(external) && Environment.GetEnvironmentVariable("ORDERLY_APP_URLS") is { Length: > 0 } appUrls)
            external = System.Text.Json.JsonDocument.Parse(appUrls).RootElement[0].GetProperty("url").GetString();
        ShopHost host;
        if (!string.IsNullOrWhiteSpace(external))
        {
            host = new ShopHost(new Uri(external.TrimEnd('/') + "/"), null, null);
        }
        else
        {
            host = CreateOwn(environment);
            host.Launch();
        }
        await host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    private static ShopHost CreateOwn(IReadOnlyDictionary<string, string>? environment)
    {
        var dll = LocalHostCommand.Dll;
        if (!File.Exists(dll)) throw new InvalidOperationException($"The local host is not built: {dll} is missing.");
        var dataPath = Path.Combine(Path.GetTempPath(), "orderly-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        return new ShopHost(new Uri($"http://127.0.0.1:{FreePort()}/"), dll, dataPath, environment);
    }

    /// <summary>
    /// Kills the host at once (no clean shutdown: in-flight work is cut wherever it is), leaves it down for
    /// <paramref name="downtime"/>, then starts it again on the same data.
    /// </summary>
    public async Task CrashAndRestartAsync(TimeSpan downtime = default)
    {
        if (!OwnsProcess) throw new InvalidOperationException("Only a host the tests started can be killed.");
        Kill();
        Append($"---- killed; restarting on the same data in {downtime.TotalSeconds:0.#} s ----");
        if (downtime > TimeSpan.Zero) await Task.Delay(downtime);
        Launch();
        await WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        Client.Dispose();
        foreach (var signedIn in _signedIn.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully)) signedIn.Value.Result.Dispose();
        _checked.Dispose();
        _handler.Dispose();
        if (_dataPath is not null)
        {
            // The process is gone; the folder may still be briefly locked on some systems, which is harmless in a temp dir.
            try { Directory.Delete(_dataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        await Task.CompletedTask;
    }

    /// <summary>
    /// Starts a second host on this one's data folder (on another port) and waits for it to exit; returns its exit code and
    /// everything it printed. Throws if it is still running after <paramref name="timeout"/> (it is killed first).
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunAnotherOnTheSameDataAsync(TimeSpan timeout)
    {
        if (!OwnsProcess) throw new InvalidOperationException("Only a host the tests started has a data folder they know.");
        using var process = Process.Start(StartInfo(new Uri($"http://127.0.0.1:{FreePort()}/")))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The second host on {_dataPath} was still running after {timeout}.");
        }
        return (process.ExitCode, await output + await errors);
    }

    private ProcessStartInfo StartInfo(Uri baseUrl)
    {
        var url = baseUrl.ToString().TrimEnd('/');
        var environment = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = url, ["Checkout__StepTimeout"] = StepTimeout };
        foreach (var (name, value) in _environment) environment[name] = value;
        return LocalHostCommand.StartInfo(_dataPath!, url, environment);
    }

    private void Launch()
    {
        var process = new Process { StartInfo = StartInfo(BaseUrl), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Append(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Append(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    private void Kill()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null) return;
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true } p)
                throw new InvalidOperationException($"The local host exited with code {p.ExitCode}:\n{Output}");
            try
            {
                using var response = await Client.GetAsync("api/health");
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var plain = new HttpClient(_handler, disposeHandler: false) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
                    Contract ??= await ApiContract.LoadAsync(plain);
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The shop at {BaseUrl} was not healthy within {timeout}: {last}\n{Output}");
    }

    private void Append(string line)
    {
        lock (_output) _output.AppendLine(line);
    }

    private static int FreePort() => LocalHostCommand.FreePort();
}

/// <summary>
/// One host shared by every test class that does not restart it, so classes run in parallel against it.
/// It is started on first use and killed when the test run ends.
/// </summary>
public static class SharedShop
{
    private static readonly Lazy<Task<ShopHost>> Host = new(async () =>
    {
        var host = await ShopHost.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return host;
    });

    public static Task<ShopHost> GetAsync() => Host.Value;
}
