using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// A command that keeps failing ends in the dead-letter queue, where an operator can read it (payment tokens masked), resubmit
/// it intact or edited, or leave it with a note; every decision is in its trail with who made it. Each test makes its own dead
/// letter: an order paid with a <c>tok_timeout…</c> token, whose AuthorizePayment the payment provider never answers.
/// </summary>
public sealed class DeadLetterTriageTests(DeadLetterShop fixture, ITestOutputHelper output) : IClassFixture<DeadLetterShop>
{
    private const string AuthorizePayment = "orderly.payments.authorize-payment.v1";

    /// <summary>The operator the suite signs in as: the actor every decision is recorded under.</summary>
    private const string Operator = "e2e-operator";

    [Fact]
    public async Task A_command_that_keeps_failing_can_be_inspected_resubmitted_intact_and_left_with_a_note()
    {
        if (Shop() is not { } shop) return;
        var (orderId, _, first) = await NewDeadLetterAsync(shop);
        Assert.Equal("payments-commands", first.Str("entity"));
        var id = first.Str("id")!;

        var shown = await shop.GetJsonAsync($"api/admin/dead-letters/{id}");
        Assert.Equal(orderId, shown.Prop("body")!.Value.Prop("data")!.Value.Str("orderId"));
        var dead = Assert.Single(shown.Prop("trail")!.Value.Items());
        Assert.Equal("DeadLettered", dead.Str("action"));
        Assert.Equal("system", dead.Str("actor"));

        using (var noNote = await (await shop.OperatorAsync()).PostAsJsonAsync($"api/admin/dead-letters/{id}/ignore", new { }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noNote.StatusCode);
            Assert.Contains("note", await noNote.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Resubmitted without a body: the same command goes back, under a new id, and (the provider still hanging) dead-letters
        // again as itself, not as an empty or malformed message.
        using (var resubmit = await (await shop.OperatorAsync()).PostAsync($"api/admin/dead-letters/{id}/resubmit", null))
            Assert.Equal(HttpStatusCode.Accepted, resubmit.StatusCode);
        var again = await DeadLetterForAsync(shop, orderId, except: [id]);
        Assert.Equal(AuthorizePayment, again.Str("type"));
        Assert.Equal("max-delivery-exceeded", again.Str("reason"));

        using (var twice = await (await shop.OperatorAsync()).PostAsync($"api/admin/dead-letters/{id}/resubmit", null))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        using (var ignore = await (await shop.OperatorAsync()).PostAsJsonAsync($"api/admin/dead-letters/{again.Str("id")}/ignore", new { note = "provider outage; order cancelled by timeout" }))
            Assert.Equal(HttpStatusCode.OK, ignore.StatusCode);
        var ignored = await shop.GetJsonAsync($"api/admin/dead-letters/{again.Str("id")}");
        Assert.Equal("Ignored", ignored.Str("status"));
        Assert.Equal("provider outage; order cancelled by timeout", ignored.Str("note"));
    }

    [Fact]
    public async Task Show_masks_every_payment_token_to_its_first_four_characters()
    {
        if (Shop() is not { } shop) return;
        var (_, token, letter) = await NewDeadLetterAsync(shop);

        using var response = await (await shop.OperatorAsync()).GetAsync($"api/admin/dead-letters/{letter.Str("id")}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement.Prop("body")!.Value;
        Assert.Equal("tok_…", body.Prop("data")!.Value.Str("paymentToken"));
    }

    [Fact]
    public async Task An_authorization_resubmitted_edited_down_to_a_cent_never_confirms_the_order_and_leaves_the_books_balanced()
    {
        if (Shop() is not { } shop) return;
        var (orderId, _, letter) = await NewDeadLetterAsync(shop);
        var id = letter.Str("id")!;
        var envelope = JsonNode.Parse((await shop.GetJsonAsync($"api/admin/dead-letters/{id}")).Prop("body")!.Value.GetRawText())!.AsObject();
        var total = envelope["data"]!["amount"]!["amount"]!.GetValue<decimal>();
        envelope["data"]!["amount"]!["amount"] = 0.01m;
        envelope["data"]!["paymentToken"] = "tok_visa";

        using (var resubmit = await PostAsync(shop, $"api/admin/dead-letters/{id}/resubmit?note=attack", envelope.ToJsonString(), "application/json"))
            await ShopApi.EnsureStatus(resubmit, HttpStatusCode.Accepted, "POST resubmit (edited to 0.01)");

        var order = await shop.WaitForOutcomeAsync(orderId);
        Assert.Equal("Cancelled", order.Str("status"));
        // Whatever payments did with the forged command, nothing stays authorized or captured for this order.
        var settled = await Eventually.TrueAsync(async () =>
            (await shop.PaymentsOfAsync(orderId)).All(p => p.StatusOf() is not ("authorized" or "captured")), ShopApi.CheckoutDeadline);
        Assert.True(settled, $"a payment of order {orderId} (total {total}) is still authorized or captured: {string.Join(", ", (await shop.PaymentsOfAsync(orderId)).Select(p => p.ToString()))}");
        var sku = order.Prop("items")!.Value.Items()[0].Str("sku")!;
        var product = await shop.GetProductAsync(sku);
        Assert.Equal((5, 0), (product.OnHand, product.Reserved));
    }

    [Fact]
    public async Task An_edited_resubmit_is_in_the_trail_with_its_actor_and_both_bodies_and_keeps_the_real_token()
    {
        if (Shop() is not { } shop) return;
        var (orderId, token, letter) = await NewDeadLetterAsync(shop);
        var id = letter.Str("id")!;
        // The operator edits what the view shows (its token masked) and adds an attribute to tell the copy apart.
        var envelope = JsonNode.Parse((await shop.GetJsonAsync($"api/admin/dead-letters/{id}")).Prop("body")!.Value.GetRawText())!.AsObject();
        envelope["orderlye2eedit"] = "edited by hand";

        using (var resubmit = await PostAsync(shop, $"api/admin/dead-letters/{id}/resubmit?note=added%20the%20marker", envelope.ToJsonString(), "application/json"))
        {
            await ShopApi.EnsureStatus(resubmit, HttpStatusCode.Accepted, "POST resubmit (edited)");
            Assert.True((await resubmit.Content.ReadFromJsonAsync<JsonElement>()).Prop("edited")?.GetBoolean());
        }

        var shown = await shop.GetJsonAsync($"api/admin/dead-letters/{id}");
        Assert.Equal("Resubmitted", shown.Str("status"));
        var trail = shown.Prop("trail")!.Value.Items();
        Assert.Equal(["DeadLettered", "Resubmitted"], trail.Select(t => t.Str("action")));
        var resubmitted = trail[1];
        Assert.Equal(Operator, resubmitted.Str("actor"));
        Assert.Equal("added the marker", resubmitted.Str("note"));
        Assert.Null(resubmitted.Prop("originalBody")!.Value.Str("orderlye2eedit"));
        Assert.Equal("edited by hand", resubmitted.Prop("editedBody")!.Value.Str("orderlye2eedit"));
        Assert.Equal("tok_…", resubmitted.Prop("originalBody")!.Value.Prop("data")!.Value.Str("paymentToken"));
        Assert.Equal("tok_…", resubmitted.Prop("editedBody")!.Value.Prop("data")!.Value.Str("paymentToken"));
        Assert.DoesNotContain(token, shown.GetRawText(), StringComparison.Ordinal);

        // The edited copy went out with the real token: the provider hangs on it again (a masked "tok_…" would be approved).
        var again = await DeadLetterForAsync(shop, orderId, except: [id], body => body.Str("orderlye2eedit") == "edited by hand");
        Assert.Contains("did not answer the authorize", again.Str("description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resubmit_and_ignore_take_only_application_json()
    {
        if (Shop() is not { } shop) return;
        var (_, _, letter) = await NewDeadLetterAsync(shop);
        var id = letter.Str("id")!;

        using (var form = await PostAsync(shop, $"api/admin/dead-letters/{id}/resubmit", "type=x", "application/x-www-form-urlencoded"))
            await AssertProblemAsync(form, HttpStatusCode.UnsupportedMediaType);
        using (var text = await PostAsync(shop, $"api/admin/dead-letters/{id}/ignore", """{"note":"x"}""", "text/plain"))
            await AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        using (var none = await PostAsync(shop, $"api/admin/dead-letters/{id}/ignore", """{"note":"x"}""", contentType: null))
            await AssertProblemAsync(none, HttpStatusCode.UnsupportedMediaType);

        Assert.Equal("Pending", (await shop.GetJsonAsync($"api/admin/dead-letters/{id}")).Str("status"));
    }

    [Fact]
    public async Task An_edited_resubmit_cannot_change_the_message_type()
    {
        if (Shop() is not { } shop) return;
        var (_, _, letter) = await NewDeadLetterAsync(shop);
        var id = letter.Str("id")!;
        var envelope = JsonNode.Parse((await shop.GetJsonAsync($"api/admin/dead-letters/{id}")).Prop("body")!.Value.GetRawText())!.AsObject();
        envelope["type"] = "orderly.payments.capture-payment.v1";

        using var response = await PostAsync(shop, $"api/admin/dead-letters/{id}/resubmit", envelope.ToJsonString(), "application/json");

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem.Prop("errors")?.Prop("type"));
        var shown = await shop.GetJsonAsync($"api/admin/dead-letters/{id}");
        Assert.Equal("Pending", shown.Str("status"));
        Assert.Single(shown.Prop("trail")!.Value.Items());
    }

    [Fact]
    public async Task Ignoring_twice_is_refused_and_the_trail_lists_who_decided_including_a_later_resubmit()
    {
        if (Shop() is not { } shop) return;
        var (_, _, letter) = await NewDeadLetterAsync(shop);
        var id = letter.Str("id")!;

        using (var first = await (await shop.OperatorAsync()).PostAsJsonAsync($"api/admin/dead-letters/{id}/ignore", new { note = "known outage" }))
            await ShopApi.EnsureStatus(first, HttpStatusCode.OK, "POST ignore");
        using (var second = await (await shop.OperatorAsync()).PostAsJsonAsync($"api/admin/dead-letters/{id}/ignore", new { note = "replacing the note" }))
            await AssertProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Equal("known outage", (await shop.GetJsonAsync($"api/admin/dead-letters/{id}")).Str("note"));

        // An operator may change their mind: an ignored dead letter can still be resubmitted, once.
        using (var resubmit = await (await shop.OperatorAsync()).PostAsync($"api/admin/dead-letters/{id}/resubmit?note=outage%20over", null))
            await ShopApi.EnsureStatus(resubmit, HttpStatusCode.Accepted, "POST resubmit after ignore");

        var trail = (await shop.GetJsonAsync($"api/admin/dead-letters/{id}")).Prop("trail")!.Value.Items();
        Assert.Equal(["DeadLettered", "Ignored", "Resubmitted"], trail.Select(t => t.Str("action")));
        Assert.Equal(["system", Operator, Operator], trail.Select(t => t.Str("actor")));
        Assert.Equal(["known outage", "outage over"], trail.Skip(1).Select(t => t.Str("note")));
        Assert.All(trail, t => Assert.NotNull(t.Str("at")));
    }

    [Fact]
    public async Task Oversized_or_unreadable_bodies_are_refused_naming_the_field_never_with_a_server_error()
    {
        if (Shop() is not { } shop) return;
        var (_, _, letter) = await NewDeadLetterAsync(shop);
        var id = letter.Str("id")!;
        var resubmit = $"api/admin/dead-letters/{id}/resubmit";
        var ignore = $"api/admin/dead-letters/{id}/ignore";

        using (var huge = await PostAsync(shop, resubmit, $$"""{"type":"{{AuthorizePayment}}","pad":"{{new string('x', 300 * 1024)}}"}""", "application/json"))
            await AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge);
        using (var longNote = await PostAsync(shop, ignore, $$"""{"note":"{{new string('x', 5 * 1024)}}"}""", "application/json"))
            await AssertProblemAsync(longNote, HttpStatusCode.RequestEntityTooLarge);
        using (var lone = await PostAsync(shop, ignore, """{"note":"half a pair \ud800"}""", "application/json"))
            Assert.NotNull((await AssertProblemAsync(lone, HttpStatusCode.BadRequest)).Prop("errors")?.Prop("note"));
        var badUtf8 = Encoding.UTF8.GetBytes("""{"note":"bad bytes: __"}""");
        badUtf8[^4] = 0xFF;
        badUtf8[^3] = 0xFE;
        using (var invalid = await PostAsync(shop, ignore, badUtf8, "application/json"))
            Assert.NotNull((await AssertProblemAsync(invalid, HttpStatusCode.BadRequest)).Prop("errors")?.Prop("note"));
        using (var notJson = await PostAsync(shop, resubmit, "{ not json", "application/json"))
            Assert.NotNull((await AssertProblemAsync(notJson, HttpStatusCode.BadRequest)).Prop("errors")?.Prop("body"));
        using (var twoTypes = await PostAsync(shop, resubmit, $$"""{"type":"{{AuthorizePayment}}","type":"orderly.payments.void-payment.v1"}""", "application/json"))
            Assert.NotNull((await AssertProblemAsync(twoTypes, HttpStatusCode.BadRequest)).Prop("errors")?.Prop("type")); // the duplicate key, named

        Assert.Equal("Pending", (await shop.GetJsonAsync($"api/admin/dead-letters/{id}")).Str("status"));
    }

    [Fact]
    public async Task Outbox_entries_share_the_triage_routes_and_an_unknown_or_malformed_outbox_id_is_a_404_problem()
    {
        if (Shop() is not { } shop) return;
        Assert.All(await shop.GetListAsync("api/admin/dead-letters?entity=outbox:orders"), l => Assert.Equal("outbox:orders", l.Str("entity")));

        foreach (var id in new[] { "outbox:orders:no-such-message", "outbox:", "outbox:orders:", "outbox:nowhere:x", "outbox:orders:" + new string('x', 2000) })
        {
            var client = await shop.OperatorAsync();
            using (var show = await client.GetAsync($"api/admin/dead-letters/{Uri.EscapeDataString(id)}"))
                await AssertProblemAsync(show, HttpStatusCode.NotFound);
            using (var resubmit = await client.PostAsync($"api/admin/dead-letters/{Uri.EscapeDataString(id)}/resubmit", null))
                await AssertProblemAsync(resubmit, HttpStatusCode.NotFound);
            using (var ignore = await client.PostAsJsonAsync($"api/admin/dead-letters/{Uri.EscapeDataString(id)}/ignore", new { note = "looked at it" }))
                await AssertProblemAsync(ignore, HttpStatusCode.NotFound);
        }
    }

    private ShopApi? Shop()
    {
        if (fixture.Host is { } host) return new ShopApi(host);
        output.WriteLine("SKIPPED: an external shop (ORDERLY_BASE_URL) cannot be given a fast-failing payment provider.");
        return null;
    }

    /// <summary>Places an order whose payment provider never answers and waits for its AuthorizePayment dead letter.</summary>
    private static async Task<(string OrderId, string Token, JsonElement Letter)> NewDeadLetterAsync(ShopApi shop)
    {
        var sku = ShopApi.NewSku("dead");
        await shop.CreateProductAsync(sku, 3m, stock: 5);
        var token = "tok_timeout_" + Guid.NewGuid().ToString("N")[..10];
        var orderId = await shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)], paymentToken: token));
        return (orderId, token, await DeadLetterForAsync(shop, orderId, except: []));
    }

    /// <summary>Waits for a pending AuthorizePayment dead letter about <paramref name="orderId"/> (whose body matches, if asked), other than those already seen.</summary>
    private static async Task<JsonElement> DeadLetterForAsync(ShopApi shop, string orderId, IReadOnlyCollection<string> except,
        Func<JsonElement, bool>? bodyMatches = null)
    {
        JsonElement found = default;
        var ok = await Eventually.TrueAsync(async () =>
        {
            foreach (var letter in await shop.GetListAsync("api/admin/dead-letters?entity=payments-commands&status=Pending"))
            {
                var id = letter.Str("id")!;
                if (except.Contains(id) || letter.Str("type") != AuthorizePayment) continue;
                var shown = await shop.GetJsonAsync($"api/admin/dead-letters/{id}");
                if (shown.Prop("body") is { } body && body.Prop("data")?.Str("orderId") == orderId && (bodyMatches?.Invoke(body) ?? true))
                {
                    found = letter;
                    return true;
                }
            }
            return false;
        }, TimeSpan.FromSeconds(30));
        Assert.True(ok, $"no dead letter for order {orderId}\n{shop.Host.Output}");
        return found;
    }

    private static Task<HttpResponseMessage> PostAsync(ShopApi shop, string path, string body, string? contentType) =>
        PostAsync(shop, path, Encoding.UTF8.GetBytes(body), contentType);

    private static async Task<HttpResponseMessage> PostAsync(ShopApi shop, string path, byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await (await shop.OperatorAsync()).PostAsync(path, content);
    }

    /// <summary>Asserts the status and that the answer is problem+json; returns the problem.</summary>
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }
}

/// <summary>
/// The host the triage tests share: its payment provider gives up fast, never opens its circuit, and its consumers try only
/// twice, so a <c>tok_timeout…</c> payment is dead-lettered within a second. None when the tests drive an external shop.
/// </summary>
public sealed class DeadLetterShop : IAsyncLifetime
{
    public ShopHost? Host { get; private set; }

    public async Task InitializeAsync()
    {
        if (ShopHost.IsExternal) return;
        Host = await ShopHost.StartOwnAsync(new Dictionary<string, string>
        {
            ["Messaging__Consumer__MaxDeliveryCount"] = "2",
            ["Messaging__Consumer__BaseDelay"] = "00:00:00.050",
            ["Payments__ProviderTimeout"] = "00:00:00.200",
            // Every timeout must reach the provider: an open circuit would fail any token fast, a masked one included.
            ["Payments__CircuitBreaker__MinimumThroughput"] = "100000",
        });
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
    }
}
