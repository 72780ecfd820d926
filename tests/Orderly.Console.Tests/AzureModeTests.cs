using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orderly.Console.Tests;

/// <summary>
/// The console in azure mode, served by the operations app's routes (<see cref="AzureOperationsHost"/>) in front of the real local
/// host: an operator pastes a token, every read goes through the operations app with it, a customer's token sees nothing, a trace
/// id opens Application Insights, and an app that refuses the forwarded token is named on the page without signing anyone out.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class AzureModeTests(ConsoleBrowser browser) : IAsyncLifetime
{
    private AzureOperationsHost _operations = null!;

    private ShopApi Api => browser.Api;

    public async Task InitializeAsync() => _operations = await AzureOperationsHost.StartAsync(browser.Host.BaseUrl);

    public async Task DisposeAsync() => await _operations.DisposeAsync();

    [Fact]
    public async Task A_pasted_operator_token_reads_through_the_operations_app_and_each_trace_id_opens_its_application_insights_transaction()
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
        var links = tab.Find("#steps tr.attempt a");
        await Expect(links).ToHaveCountAsync(6); // one attempt of each step, each with its trace
        foreach (var link in await links.AllAsync())
        {
            var traceId = await link.TextContentAsync() ?? "";
            Assert.Matches(TraceId(), traceId);
            Assert.Equal(TransactionLink(traceId), await link.GetAttributeAsync("href"));
        }
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
    /// The link the console builds to Application Insights' end-to-end transaction view: the component by its resource id and the
    /// event by id, each a JSON object after a <c>~</c> segment, as Grafana's Azure Monitor data source builds it (which passes an
    /// item id where this passes the operation id: docs/azure-shell.md says why that is doubtful).
    /// </summary>
    private static string TransactionLink(string traceId) =>
        "https://portal.azure.com/#view/AppInsightsExtension/DetailsV2Blade/ComponentId~/"
        + Uri.EscapeDataString($$"""{"ResourceId":"{{AzureOperationsHost.AppInsightsResourceId}}"}""")
        + "/DataModel~/" + Uri.EscapeDataString($$"""{"eventId":"{{traceId}}"}""");

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceId();
}
