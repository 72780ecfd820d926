using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// A few thousand requests, invalid by construction, over every operation of the OpenAPI documents, at a host of its own
/// (loopback): none may get a 5xx, none may be accepted, and the shop's state must not move.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int MaxRequests = 4000;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Thousands_of_mutated_requests_over_every_route_get_no_5xx_none_is_accepted_and_nothing_changes()
    {
        if (ShopHost.IsExternal)
        {
            output.WriteLine("SKIPPED: the fuzz test runs only against a host of its own on loopback, never an external shop.");
            return;
        }
        await using var host = await ShopHost.StartOwnAsync(new Dictionary<string, string>
        {
            ["RateLimits__PlaceOrder__PermitsPerMinute"] = "0", // a 429 would hide what the endpoint does with the request
            ["Messaging__Consumer__MaxDeliveryCount"] = "2",
            ["Messaging__Consumer__BaseDelay"] = "00:00:00.050",
            ["Payments__ProviderTimeout"] = "00:00:00.200",
            ["Payments__CircuitBreaker__MinimumThroughput"] = "100000",
        });
        var shop = new ShopApi(host);
        var targets = await SeedAsync(shop);
        var operations = await OpenApiOperations.ReadAsync(shop.Http);
        var before = await StateAsync(shop, targets);

        var random = new Random(20261202);
        var requests = operations.SelectMany(op => FuzzRequests.For(op, targets, random, combined: 500)).Take(MaxRequests).ToList();
        var answers = new ConcurrentBag<(FuzzRequest Request, int Status, string Body)>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, ct) =>
        {
            if (clock.Elapsed > TimeBudget) return;
            var (status, body) = await SendAsync(shop, targets, request);
            answers.Add((request, status, body));
        });
        clock.Stop();

        var byStatus = answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}");
        output.WriteLine($"{answers.Count} requests over {operations.Count} operations in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", byStatus)}");

        var serverErrors = answers.Where(a => a.Status >= 500).Select(a => $"{a.Status} {a.Request}: {Cut(a.Body)}").ToList();
        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} answers were 5xx:\n{string.Join('\n', serverErrors.Take(20))}\n{host.Output}");
        var accepted = answers.Where(a => a.Status is >= 200 and < 400).Select(a => $"{a.Status} {a.Request}: {Cut(a.Body)}").ToList();
        Assert.True(accepted.Count == 0, $"{accepted.Count} invalid requests were accepted:\n{string.Join('\n', accepted.Take(20))}");
        // Kestrel itself refuses a NUL in the path (400) and an over-long request line (414) before any middleware runs.
        var notProblems = answers.Where(a => a.Status != 414 && !(a.Status == 400 && a.Request.Url.Split('?')[0].Contains("%00", StringComparison.Ordinal)))
            .Where(a => !a.Body.Contains("\"status\"", StringComparison.Ordinal))
            .Select(a => $"{a.Status} {a.Request}: {Cut(a.Body)}").ToList();
        Assert.True(notProblems.Count == 0, $"{notProblems.Count} refusals were not problem+json:\n{string.Join('\n', notProblems.Take(20))}");

        Assert.True(answers.Count >= 2000, $"only {answers.Count} of {requests.Count} requests ran within {TimeBudget}");
        var after = await StateAsync(shop, targets);
        Assert.Equal(before, after);
    }

    /// <summary>A product with stock, a confirmed order and a pending dead letter; then waits until the shop is idle.</summary>
    private static async Task<FuzzTargets> SeedAsync(ShopApi shop)
    {
        var sku = ShopApi.NewSku("fuzz");
        await shop.CreateProductAsync(sku, 5m, stock: 10);
        var customer = ShopApi.NewCustomer();
        var orderId = await shop.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 1)]));
        await shop.WaitForOutcomeAsync(orderId);
        // A payment provider that never answers tok_timeout… dead-letters the AuthorizePayment; the saga then times out and cancels.
        var hanging = await shop.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 1)], paymentToken: "tok_timeout_fuzz"));
        await shop.WaitForOutcomeAsync(hanging);
        JsonElement letter = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var letters = await shop.GetListAsync("api/admin/dead-letters?status=Pending");
            letter = letters.Count > 0 ? letters[0] : default;
            return letters.Count > 0;
        }, TimeSpan.FromSeconds(30)), "no dead letter to fuzz the triage routes with");
        var id = letter.Str("id")!;
        var envelope = JsonNode.Parse((await shop.GetJsonAsync($"api/admin/dead-letters/{id}")).Prop("body")!.Value.GetRawText())!.AsObject();

        // Idle: nothing handled, journaled or finished for a second, and no saga running.
        string last = "";
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var stats = await shop.GetJsonAsync("api/admin/stats");
            var now = $"{stats.Int("messagesHandled")}/{stats.Int("sagaJournalEntries")}/{stats.Int("sagasFinished")}/{stats.Int("sagasInFlight")}";
            var idle = now == last && stats.Int("sagasInFlight") == 0;
            last = now;
            if (!idle) await Task.Delay(1000);
            return idle;
        }, TimeSpan.FromSeconds(30)), "the shop did not settle before fuzzing");
        return new FuzzTargets(sku, orderId, customer, id, envelope);
    }

    /// <summary>What a user could notice changing: the product, the customer's orders, the dead letters, and the work done.</summary>
    private static async Task<string> StateAsync(ShopApi shop, FuzzTargets t)
    {
        var stats = await shop.GetJsonAsync("api/admin/stats");
        var product = await shop.GetJsonAsync($"api/inventory/products/{t.Sku}");
        var orders = await shop.GetListAsync($"api/customers/{t.CustomerId}/orders");
        var letters = await shop.GetListAsync("api/admin/dead-letters");
        var letter = await shop.GetJsonAsync($"api/admin/dead-letters/{t.DeadLetterId}");
        return string.Join('\n',
            $"work: {stats.Int("messagesHandled")} handled, {stats.Int("sagaJournalEntries")} journaled, {stats.Int("sagasFinished")} sagas finished",
            $"product: {product.GetRawText()}",
            $"orders: {string.Join(", ", orders.Select(o => $"{o.Str("orderId")}={o.Str("status")}"))}",
            $"dead letters: {string.Join(", ", letters.Select(l => $"{l.Str("id")}={l.Str("status")}"))}",
            $"trail: {letter.Prop("trail")?.GetArrayLength()}");
    }

    private static async Task<(int Status, string Body)> SendAsync(ShopApi shop, FuzzTargets t, FuzzRequest r)
    {
        var client = r.Role switch
        {
            null => shop.Http,
            "customer" => await shop.CustomerAsync(t.CustomerId),
            "shop-admin" => await shop.AdminAsync(),
            _ => await shop.OperatorAsync(),
        };
        using var request = new HttpRequestMessage(new HttpMethod(r.Method), r.Url);
        if (r.Body is not null)
        {
            request.Content = new ByteArrayContent(r.Body);
            if (r.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", r.ContentType);
            else request.Content.Headers.ContentType = null;
        }
        foreach (var (name, value) in r.Headers) request.Headers.TryAddWithoutValidation(name, value);
        try
        {
            using var response = await client.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException) when (r.Body?.Length > 256 * 1024)
        {
            // Refused on its Content-Length (413) and closed while the client was still sending, as AccessTests shows.
            return (413, "{\"status\":413}");
        }
        catch (HttpRequestException e)
        {
            return (599, $"connection failed: {e.Message}"); // a host that drops the connection counts as a server error
        }
    }

    private static string Cut(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
