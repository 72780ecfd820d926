using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orderly.Console.Tests;

/// <summary>
/// The operations console as an operator uses it, in a real browser against the real local host: what each page shows is
/// read from the page (its text, its table rows, its plot), never from the API behind it.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleTests(ConsoleBrowser browser)
{
    private ShopApi Api => browser.Api;

    [Fact]
    public async Task An_anonymous_visitor_sees_a_sign_in_and_no_data()
    {
        await using var tab = await browser.OpenAsync("#/dead-letters");

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(tab.Find("#nav")).ToBeHiddenAsync();
        await Expect(tab.Find("table")).ToHaveCountAsync(0);
        // The page asked for its own files and its mode, and for no data at all.
        Assert.Contains(tab.Requests, u => new Uri(u).AbsolutePath == "/console/config.json");
        Assert.DoesNotContain(tab.Requests, u => new Uri(u).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal));
        // Had it asked, the API would have refused it: the page's files are open, its data is not.
        using (var list = await Api.Http.GetAsync("api/admin/dead-letters"))
            Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);

        // Signed in, the same address shows the data; signed out, the sign-in again.
        await tab.SignInAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Dead letters", Exact = true })).ToBeVisibleAsync();
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(tab.Find("#nav")).ToBeHiddenAsync();
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_declined_card_shows_its_compensations_in_the_checkout_timeline_with_each_attempt()
    {
        var sku = await browser.NewProductAsync();
        var customer = ShopApi.NewCustomer();
        var orderId = await Api.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 2)], "tok_declined_console"));
        await using var tab = await browser.OpenAsync();
        await tab.SignInAsync();

        await tab.Find("#find-order-id").FillAsync(orderId);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();

        // The page follows the checkout while it runs, until it ends compensated.
        var timeline = tab.Find("#timeline");
        await Expect(tab.Find(".page-head")).ToContainTextAsync("Compensated", new() { Timeout = 30_000 });
        await Expect(timeline.Locator("#steps [data-name='AuthorizePayment'] .tl-head > .badge")).ToHaveTextAsync("Rejected");
        await Expect(timeline.Locator("#steps [data-name='AuthorizePayment'] tr.attempt")).ToContainTextAsync("PaymentDeclined");
        await Expect(timeline.Locator(".section-split")).ToContainTextAsync("payment-declined");
        Assert.Equal(["ReleaseStock", "CancelOrder"], await timeline.Locator("#compensations .tl-name").AllTextContentsAsync());
        foreach (var compensation in await timeline.Locator("#compensations .tl-item").AllAsync())
        {
            await Expect(compensation.Locator(".tl-head > .badge")).ToHaveTextAsync("Succeeded");
            await Expect(compensation.Locator("tr.attempt")).ToHaveCountAsync(1);
        }
        // Every attempt says when it ran, how long it took and under which trace.
        var attempts = await timeline.Locator("tr.attempt").AllAsync();
        Assert.Equal(4, attempts.Count); // ReserveStock, AuthorizePayment, ReleaseStock, CancelOrder
        foreach (var attempt in attempts)
        {
            await Expect(attempt).ToContainTextAsync(TraceId());
            await Expect(attempt).ToContainTextAsync(Took());
        }
        await Expect(tab.Find(".facts")).ToContainTextAsync("payment-declined");
        await tab.ScreenshotAsync("orders-timeline");

        // Found again by its customer, and among that customer's cancelled orders (once the read model has the cancellation).
        Assert.True(await Eventually.TrueAsync(async () => (await Api.GetListAsync($"api/customers/{customer}/orders"))
            .Any(o => o.Str("status") == "Cancelled"), TimeSpan.FromSeconds(10)));
        await tab.Find(".facts a").First.ClickAsync();
        await Expect(tab.Find($"#orders-table tr:has-text('{orderId}')")).ToContainTextAsync("Cancelled");
        await tab.Find("#find-status").SelectOptionAsync("Confirmed");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "List" }).ClickAsync();
        await Expect(tab.Find("#order-results")).ToContainTextAsync("No orders.");
        await tab.Find("#find-status").SelectOptionAsync("Cancelled");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "List" }).ClickAsync();
        await Expect(tab.Find($"#orders-table tr:has-text('{orderId}')")).ToContainTextAsync("payment-declined");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_dead_lettered_command_fixed_in_the_page_and_resubmitted_lets_its_order_complete()
    {
        // The card's provider never answers: AuthorizePayment dead-letters after its deliveries while the saga still waits.
        var sku = await browser.NewProductAsync();
        var orderId = await Api.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)], "tok_timeout_console"));
        var letterId = await DeadLetterOfAsync(orderId, "payments-commands");
        await using var tab = await browser.OpenAsync("#/dead-letters");
        await tab.SignInAsync();

        await tab.Find("#filter-entity").FillAsync("payments-commands");
        await tab.Find("#filter-reason").FillAsync("MAX-DELIVERY");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var row = tab.Find($"tr[data-id='{letterId}']");
        await Expect(row).ToContainTextAsync("max-delivery-exceeded");
        await row.ClickAsync();

        var detail = tab.Find("#dead-letter-detail");
        await Expect(detail).ToContainTextAsync("payments.authorize-payment.v1");
        await Expect(detail).ToContainTextAsync("Delivery count");
        var body = tab.Find("#dead-letter-body");
        var shown = await body.InputValueAsync();
        Assert.Contains("\"paymentToken\": \"tok_…\"", shown, StringComparison.Ordinal); // pretty-printed, the token masked
        await body.FillAsync(shown.Replace("\"tok_…\"", "\"tok_visa\"", StringComparison.Ordinal));
        await tab.Find("#resubmit-note").FillAsync("the customer replaced the card");
        await tab.Find("#resubmit").ClickAsync();

        await Expect(tab.Find("#dead-letter-notice")).ToContainTextAsync("Resubmitted as edited");
        await Expect(tab.Find("#trail")).ToContainTextAsync("Resubmitted by console-ops");
        await Expect(tab.Find("#trail")).ToContainTextAsync("the customer replaced the card");
        await Expect(detail.Locator(".badge").First).ToHaveTextAsync("Resubmitted");

        await tab.GoAsync($"#/orders/{orderId}");
        await Expect(tab.Find(".page-head .badge").First).ToHaveTextAsync("Confirmed", new() { Timeout = 30_000 });
        await Expect(tab.Find(".page-head")).ToContainTextAsync("Completed");
        await Expect(tab.Find("#steps [data-name='AuthorizePayment'] tr.attempt")).ToContainTextAsync("PaymentAuthorized");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task An_orders_malformed_command_shows_in_dead_letters_and_fixed_and_resubmitted_from_the_page_its_order_completes()
    {
        // The broker's fault seam sends this order's ReserveStock without its lines' quantities; inventory dead-letters it at
        // once (invalid data is never retried) while the checkout waits for the stock.
        var sku = await browser.NewProductAsync();
        await browser.CorruptNextReserveStockAsync(sku);
        var orderId = await Api.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 3)]));
        var letterId = await DeadLetterOfAsync(orderId, "inventory-commands");
        await using var tab = await browser.OpenAsync("#/dead-letters");
        await tab.SignInAsync();

        await tab.Find("#filter-entity").FillAsync("inventory-commands");
        await tab.Find("#filter-reason").FillAsync("invalid-data");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var row = tab.Find($"tr[data-id='{letterId}']");
        await Expect(row).ToContainTextAsync("quantity"); // the reason's description names the missing field
        await row.ClickAsync();

        var detail = tab.Find("#dead-letter-detail");
        await Expect(detail).ToContainTextAsync("inventory.reserve-stock.v1");
        await Expect(detail).ToContainTextAsync("invalid-data");
        var body = tab.Find("#dead-letter-body");
        var shown = await body.InputValueAsync();
        Assert.Contains(orderId, shown, StringComparison.Ordinal);
        var line = $"\"sku\": \"{sku}\"";
        Assert.Contains(line, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("quantity", shown, StringComparison.Ordinal);
        await body.FillAsync(shown.Replace(line, line + ", \"quantity\": 3", StringComparison.Ordinal));
        await tab.Find("#resubmit-note").FillAsync("restored the quantity the sender dropped");
        await tab.Find("#resubmit").ClickAsync();

        await Expect(tab.Find("#dead-letter-notice")).ToContainTextAsync("Resubmitted as edited");
        await Expect(tab.Find("#trail")).ToContainTextAsync("restored the quantity the sender dropped");

        // The fixed command reserves the stock and the checkout goes on to the end, with no second ReserveStock attempt (the
        // step's timeout is a minute away): the resubmitted copy is what moved it.
        await tab.GoAsync($"#/orders/{orderId}");
        await Expect(tab.Find(".page-head .badge").First).ToHaveTextAsync("Confirmed", new() { Timeout = 30_000 });
        await Expect(tab.Find(".page-head")).ToContainTextAsync("Completed");
        var reserve = tab.Find("#steps [data-name='ReserveStock'] tr.attempt");
        await Expect(reserve).ToHaveCountAsync(1);
        await Expect(reserve).ToContainTextAsync("StockReserved");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_malformed_message_shows_with_its_reason_and_ignoring_it_with_a_note_shows_in_the_trail()
    {
        await browser.SendMalformedAsync(4);
        await using var tab = await browser.OpenAsync("#/dead-letters");
        await tab.SignInAsync();

        await tab.Find("#filter-reason").FillAsync("malformed-json");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var rows = tab.Find("#dead-letters-table tbody tr");
        await Expect(rows.First).ToContainTextAsync("malformed-json", new() { Timeout = 20_000 });
        Assert.All(await rows.AllTextContentsAsync(), text => Assert.Contains("malformed-json", text, StringComparison.Ordinal));
        await rows.First.ClickAsync();

        var detail = tab.Find("#dead-letter-detail");
        await Expect(detail).ToContainTextAsync("Unreadable message");
        await Expect(detail).ToContainTextAsync("not\": json"); // the body as it came, unreadable as it is
        await tab.ScreenshotAsync("dead-letters");
        await tab.Find("#ignore-note").FillAsync("garbage from a test client; nothing to redo");
        await tab.Find("#ignore").ClickAsync();

        await Expect(tab.Find("#dead-letter-notice")).ToContainTextAsync("Marked ignored");
        await Expect(detail.Locator(".badge").First).ToHaveTextAsync("Ignored");
        var trail = tab.Find("#trail li");
        await Expect(trail).ToHaveCountAsync(2);
        await Expect(trail.Nth(0)).ToContainTextAsync("DeadLettered by system");
        await Expect(trail.Nth(1)).ToContainTextAsync("Ignored by console-ops");
        await Expect(trail.Nth(1)).ToContainTextAsync("garbage from a test client; nothing to redo");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task The_system_page_shows_health_the_payment_circuit_and_figures_that_move_under_a_short_load()
    {
        await using var tab = await browser.OpenAsync("#/system");
        await tab.SignInAsync();
        await Expect(tab.Find("#health [data-check='broker']")).ToContainTextAsync("Healthy");
        await Expect(tab.Find("#payment-circuit")).ToContainTextAsync("Closed");
        await Expect(tab.Find("#queue-depths [data-entity='payments-commands']")).ToBeVisibleAsync();
        var before = await FigureAsync(tab, "#sagas-finished");

        var sku = await browser.NewProductAsync(stock: 200);
        var orders = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Api.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)]))));

        // The count of finished checkouts climbs by the orders placed, and the plots of orders and completed checkouts leave
        // their zero lines.
        Assert.True(await Eventually.TrueAsync(async () => await FigureAsync(tab, "#sagas-finished") >= before + orders.Length, TimeSpan.FromSeconds(30)),
            $"the page still shows {await FigureAsync(tab, "#sagas-finished")} finished checkouts (from {before}, {orders.Length} placed)");
        foreach (var series in new[] { "orders placed", "completed" })
        {
            Assert.True(await Eventually.TrueAsync(async () => AboveZero(await tab.Find($"path[data-series='{series}']").GetAttributeAsync("d")), TimeSpan.FromSeconds(10)),
                $"the '{series}' plot never rose above zero");
        }
        await Expect(tab.Find("path[data-series='p95']")).ToHaveCountAsync(1);
        await tab.ScreenshotAsync("system");
        Assert.Empty(tab.Errors);
    }

    private static async Task<long> FigureAsync(ConsolePage tab, string selector)
    {
        var text = await tab.Find(selector).TextContentAsync() ?? "";
        return long.Parse(Digits().Match(text).Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Whether an SVG path's points reach above the plot's zero line (y = 130 in its 150-high view box).</summary>
    private static bool AboveZero(string? path) =>
        path is not null && Points().Matches(path).Any(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) < 129.5);

    private async Task<string> DeadLetterOfAsync(string orderId, string entity)
    {
        string? id = null;
        var found = await Eventually.TrueAsync(async () =>
        {
            foreach (var letter in await Api.GetListAsync($"api/admin/dead-letters?entity={entity}&status=Pending"))
            {
                var shown = await Api.GetJsonAsync($"api/admin/dead-letters/{letter.Str("id")}");
                if (shown.Prop("body")?.Prop("data")?.Str("orderId") == orderId) id = letter.Str("id");
            }
            return id is not null;
        }, TimeSpan.FromSeconds(30));
        Assert.True(found, $"no dead letter for order {orderId}\n{browser.Host.Output}");
        return id!;
    }

    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex TraceId();

    [GeneratedRegex(@"\d+(\.\d+)? (ms|s)")]
    private static partial Regex Took();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"[ML][\d.]+,([\d.]+)")]
    private static partial Regex Points();
}
