using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orderly.Console.Tests;

/// <summary>
/// The console in azure mode, served by the operations app's routes (<see cref="AzureOperationsHost"/>) in front of the real local
/// host: an operator pastes a token, every read goes through the operations app with it, a customer's token sees nothing, a trace
/// id opens its operation's telemetry in Application Insights' logs, and an app that refuses the forwarded token is named on the
/// page without signing anyone out.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class AzureModeTests(ConsoleBrowser browser) : IAsyncLifetime
{
    private AzureOperationsHost _operations = null!;

    private ShopApi Api => browser.Api;

    public async Task InitializeAsync() => _operations = await AzureOperationsHost.StartAsync(browser.Host.BaseUrl);

    public async Task DisposeAsync() => await _operations.DisposeAsync();

    [Fact]
    public async Task A_pasted_operator_token_reads_through_the_operations_app_and_each_trace_id_opens_its_operation_in_application_insights_logs()
    {
        var sku = await browser.NewProductAsync();
        var orderId = await Api.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)]));
        Assert.Equal("Confirmed", (await Api.WaitForOutcomeAsync(orderId)).Str("status"));
        await using var tab = await browser.OpenAsync(_operations.BaseUrl, $"#/orders/{orderId}");

        // No dev issuer in Azure: the page asks for a token and offers nothing else.
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in as operator" })).ToHaveCountAsync(0);
        await tab.PasteTokenAsync(await browser.Host.TokenAsync("azure-ops", "operator"), "azure-ops");

        await Expect(tab.Find(".page-head .badge").First).ToHaveTextAsync("Confirmed");
        var attempts = (await Api.GetJsonAsync($"api/checkout/{orderId}")).GetProperty("steps").EnumerateArray()
            .SelectMany(step => step.GetProperty("attemptLog").EnumerateArray()).ToList();
        var links = tab.Find("#steps tr.attempt a");
        await Expect(links).ToHaveCountAsync(6); // one attempt of each step, each with its trace
        Assert.Equal(6, attempts.Count);
        foreach (var (link, attempt) in (await links.AllAsync()).Zip(attempts))
        {
            var traceId = await link.TextContentAsync() ?? "";
            Assert.Matches(TraceId(), traceId);
            Assert.Equal(attempt.Str("traceId"), traceId);
            // The query is compressed in the browser, so the address follows the link a moment later.
            await Expect(link).ToHaveAttributeAsync("href", new Regex("^https://"));
            Assert.Equal(OperationQuery(traceId, attempt.Str("startedAt")!), QueryIn(await link.GetAttributeAsync("href")));
        }
        // The order's own trace id, among its facts, opens the same query as its first attempt's.
        var orderTrace = tab.Find(".facts a.mono");
        await Expect(orderTrace).ToHaveAttributeAsync("href", (await links.First.GetAttributeAsync("href"))!);
        await tab.ScreenshotAsync("azure-order");

        // The operations app's own dead-letter queue, through the same page.
        await tab.GoAsync("#/dead-letters");
        await Expect(tab.Find($"tr[data-id='{_operations.DeadLetterId}']")).ToContainTextAsync("malformed-json");

        // Every data request went to the operations app (which forwarded the reads), none to the shop directly.
        var apiRequests = tab.Requests.Select(u => new Uri(u)).Where(u => u.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.Contains(apiRequests, u => u.AbsolutePath == $"/api/checkout/{orderId}");
        Assert.All(apiRequests, u => Assert.Equal(_operations.BaseUrl.Authority, u.Authority));
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_customers_token_is_refused_with_403_on_every_page_and_shows_no_data()
    {
        var sku = await browser.NewProductAsync();
        var customer = ShopApi.NewCustomer();
        var orderId = await Api.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 1)]));
        await using var tab = await browser.OpenAsync(_operations.BaseUrl, "#/dead-letters");
        await tab.PasteTokenAsync(await browser.Host.TokenAsync(customer, "customer"), customer);

        await Expect(tab.Find("#dead-letter-list .notice.bad")).ToContainTextAsync("Forbidden");
        await tab.GoAsync($"#/orders?customer={customer}");
        await tab.Find("#find-customer").FillAsync(customer);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "List" }).ClickAsync();
        await Expect(tab.Find("#order-results .notice.bad")).ToContainTextAsync("Forbidden");
        await tab.GoAsync($"#/orders/{orderId}");
        await Expect(tab.Find("#main")).ToContainTextAsync("Forbidden");

        // Nothing of the shop's data reached the page: no table, no order, no letter.
        await Expect(tab.Find("table")).ToHaveCountAsync(0);
        Assert.DoesNotContain(_operations.DeadLetterId, await tab.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(sku, await tab.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task An_app_that_refuses_the_forwarded_token_is_named_on_the_system_page_the_operator_stays_signed_in_and_depths_come_from_azure_monitor()
    {
        await using var tab = await browser.OpenAsync(_operations.BaseUrl, "#/system");
        await tab.PasteTokenAsync(await browser.Host.TokenAsync("azure-ops", "operator"), "azure-ops");

        // The other apps answer for themselves through the operations app; shipping's authentication refuses the token.
        await Expect(tab.Find("#health [data-check='orders: broker']")).ToContainTextAsync("Healthy");
        var shipping = tab.Find($"#health [data-check='{AzureOperationsHost.RefusingApp}: app']");
        await Expect(shipping).ToContainTextAsync($"The {AzureOperationsHost.RefusingApp} app refused your token (401)");
        await Expect(shipping).ToContainTextAsync("invalid_token");
        await Expect(shipping).ToContainTextAsync("you are still signed in");

        // Depths from Azure Monitor (GET /api/admin/queue-depths), said to be so.
        await Expect(tab.Find("#depths-source")).ToContainTextAsync("From Azure Monitor");
        await Expect(tab.Find("#queue-depths [data-entity='payments-commands']")).ToContainTextAsync(
            AzureOperationsHost.PaymentsCommandsWaiting.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(tab.Find("#dead-letter-depths [data-entity='payments-commands']")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("azure-system");

        // Still signed in, after several rounds of the page's two-second refresh.
        await tab.Page.WaitForTimeoutAsync(4500);
        await Expect(tab.Find("#who")).ToHaveTextAsync("signed in as azure-ops");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToHaveCountAsync(0);
        await Expect(tab.Find("#nav")).ToBeVisibleAsync();
        Assert.Empty(tab.Errors);
    }

    /// <summary>
    /// The KQL a trace link opens: the operation's requests, dependencies, traces and exceptions, oldest first, from an hour before
    /// the attempt started to a day after (to the millisecond, as the browser reads the time).
    /// </summary>
    private static string OperationQuery(string traceId, string startedAt)
    {
        var at = DateTimeOffset.Parse(startedAt, CultureInfo.InvariantCulture).UtcDateTime;
        at = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMillisecond));
        static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return $"""
            union requests, dependencies, traces, exceptions
            | where timestamp between (datetime({Iso(at.AddHours(-1))}) .. datetime({Iso(at.AddDays(1))}))
            | where operation_Id == "{traceId}"
            | order by timestamp asc
            """.ReplaceLineEndings("\n");
    }

    /// <summary>
    /// The query in a trace link, read back as the portal reads its own "Copy link to query" links: the Logs blade scoped to the
    /// Application Insights resource, then the query gzip-compressed, base64-encoded and URL-escaped twice, as one path segment.
    /// </summary>
    private static string QueryIn(string? link)
    {
        var prefix = "https://portal.azure.com/#blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/resourceId/"
            + Uri.EscapeDataString(AzureOperationsHost.AppInsightsResourceId) + "/source/LogsBlade.AnalyticsShareLinkToQuery/q/";
        Assert.NotNull(link);
        Assert.StartsWith(prefix, link, StringComparison.Ordinal);
        var segment = link[prefix.Length..];
        Assert.DoesNotContain('/', Uri.UnescapeDataString(segment)); // escaped twice: one unescaping leaves no path separator
        var compressed = Convert.FromBase64String(Uri.UnescapeDataString(Uri.UnescapeDataString(segment)));
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var text = new StreamReader(gzip, Encoding.UTF8);
        return text.ReadToEnd();
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceId();
}
