using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Orderly.Console.Tests;

/// <summary>
/// One local host (fault injection on, so malformed messages can be sent; a payment provider that gives up fast and a long
/// step timeout, so a hanging card's command dead-letters while its saga still waits) and one headless Chromium for every
/// test. Pages open at the host's <c>/</c>, as a person would open the console.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    /// <summary>Debian's Chromium; set <c>ORDERLY_CHROMIUM</c> to use another.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("ORDERLY_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>When set, the tests save a PNG of each page into this folder (the README's screenshots: docs/console/).</summary>
    public static string? ScreenshotFolder => Environment.GetEnvironmentVariable("ORDERLY_CONSOLE_SCREENSHOTS") is { Length: > 0 } folder ? folder : null;

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public ShopHost Host { get; private set; } = null!;
    public ShopApi Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"No Chromium at {ChromiumPath}: install it (apt-get install -y chromium, as .ci/run does) or set ORDERLY_CHROMIUM.");
        var starting = ShopHost.StartOwnAsync(new Dictionary<string, string>
        {
            ["LocalHost__FaultInjection"] = "true",
            ["Messaging__Consumer__MaxDeliveryCount"] = "2",
            ["Messaging__Consumer__BaseDelay"] = "00:00:00.050",
            ["Payments__ProviderTimeout"] = "00:00:00.200",
            ["Payments__CircuitBreaker__MinimumThroughput"] = "100000",
            // The hanging card's saga must still be waiting when its fixed command comes back from the dead-letter queue.
            ["Checkout__StepTimeout"] = "00:01:00",
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
        Host = await starting;
        Api = new ShopApi(Host);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
    }

    /// <summary>A fresh browser context (no token kept) on the console's address, with what the page logged kept for failures.</summary>
    public Task<ConsolePage> OpenAsync(string hash = "") => OpenAsync(Host.BaseUrl, hash);

    /// <summary>A fresh browser context on the console served at <paramref name="baseUrl"/> (in azure mode: the operations app).</summary>
    public async Task<ConsolePage> OpenAsync(Uri baseUrl, string hash)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var console = new ConsolePage(context, page, baseUrl);
        await page.GotoAsync(new Uri(baseUrl, "/" + hash).ToString());
        return console;
    }

    /// <summary>A product of its own with stock, so no test's books touch another's.</summary>
    public async Task<string> NewProductAsync(int stock = 50)
    {
        var sku = ShopApi.NewSku("console");
        await Api.CreateProductAsync(sku, 12.50m, stock);
        return sku;
    }

    /// <summary>Arms the host's broker to send the next ReserveStock command naming <paramref name="sku"/> without its quantities.</summary>
    public async Task CorruptNextReserveStockAsync(string sku)
    {
        using var response = await (await Api.OperatorAsync()).PostAsJsonAsync("api/admin/faults", new { fault = "malformed-command", sku });
        await ShopApi.EnsureStatus(response, System.Net.HttpStatusCode.OK, "POST /api/admin/faults");
    }

    /// <summary>Sends malformed messages round the command queues through the host's fault seam.</summary>
    public async Task SendMalformedAsync(int count)
    {
        using var response = await (await Api.OperatorAsync()).PostAsJsonAsync("api/admin/faults", new { fault = "malformed-messages", count });
        await ShopApi.EnsureStatus(response, System.Net.HttpStatusCode.OK, "POST /api/admin/faults");
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleBrowser>
{
    public const string Name = "console";
}

/// <summary>One browser tab on the console, with every request it made and every error it logged.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public ConsolePage(IBrowserContext context, IPage page, Uri baseUrl)
    {
        _context = context;
        Page = page;
        BaseUrl = baseUrl;
        page.Request += (_, r) => { lock (Requests) Requests.Add(r.Url); };
        // A 404 from a data route the host does not serve is the browser's note, not the page's error (the page says it).
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) lock (_errors) _errors.Add(m.Text);
        };
        page.PageError += (_, e) => { lock (_errors) _errors.Add(e); };
    }

    public IPage Page { get; }

    public Uri BaseUrl { get; }

    /// <summary>Every URL the page asked for, in order.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>Script errors the page hit: a broken page fails its test even when the assertion it reached still held.</summary>
    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) return [.. _errors]; }
    }

    public ILocator Find(string selector) => Page.Locator(selector);

    /// <summary>Signs in as the operator <paramref name="name"/> through the dev issuer, from the sign-in form.</summary>
    public async Task SignInAsync(string name = "console-ops")
    {
        await Page.Locator("#operator-name").FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in as operator" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#who")).ToHaveTextAsync($"signed in as {name}");
    }

    /// <summary>Signs in as the azure-mode page asks: a bearer token pasted into the form; waits until the header names its subject.</summary>
    public async Task PasteTokenAsync(string token, string subject)
    {
        await Page.Locator("#bearer-token").FillAsync(token);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use this token" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#who")).ToHaveTextAsync($"signed in as {subject}");
    }

    public async Task GoAsync(string hash) => await Page.EvaluateAsync("h => { location.hash = h; }", hash);

    /// <summary>Saves a PNG of the whole page as <paramref name="name"/> when screenshots are asked for.</summary>
    public async Task ScreenshotAsync(string name)
    {
        if (ConsoleBrowser.ScreenshotFolder is not { } folder) return;
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
