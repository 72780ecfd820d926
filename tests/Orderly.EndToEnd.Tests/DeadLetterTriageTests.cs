using Xunit.Abstractions;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// A command that keeps failing ends in the dead-letter queue, where an operator can read it, resubmit it intact, or leave it
/// with a note. Runs on its own host whose payment provider gives up fast and whose consumers retry only twice.
/// </summary>
public sealed class DeadLetterTriageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ShopHost? _host;

    public async Task InitializeAsync()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ORDERLY_BASE_URL"))) return;
        _host = await ShopHost.StartOwnAsync(new Dictionary<string, string>
        {
            ["Messaging__Consumer__MaxDeliveryCount"] = "2",
            ["Messaging__Consumer__BaseDelay"] = "00:00:00.050",
            ["Payments__ProviderTimeout"] = "00:00:00.200",
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_command_that_keeps_failing_can_be_inspected_resubmitted_intact_and_left_with_a_note()
    {
        if (_host is null)
        {
            output.WriteLine("SKIPPED: an external shop (ORDERLY_BASE_URL) cannot be given a fast-failing payment provider.");
            return;
        }
        var shop = new ShopApi(_host);
        var sku = ShopApi.NewSku("dead");
        await shop.CreateProductAsync(sku, 3m, stock: 5);
        var orderId = await shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)], paymentToken: "tok_timeout_dl"));

        var first = await DeadLetterForAsync(shop, orderId, except: []);
        Assert.Equal("payments-commands", first.Str("entity"));
        Assert.Equal("orderly.payments.authorize-payment.v1", first.Str("type"));
        var id = first.Str("id")!;

        var shown = await shop.GetJsonAsync($"api/admin/dead-letters/{id}");
        Assert.Equal(orderId, shown.Prop("body")!.Value.Prop("data")!.Value.Str("orderId"));
        Assert.NotEmpty(shown.Prop("history")!.Value.Items());

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
        Assert.Equal("orderly.payments.authorize-payment.v1", again.Str("type"));
        Assert.Equal("max-delivery-exceeded", again.Str("reason"));

        using (var twice = await (await shop.OperatorAsync()).PostAsync($"api/admin/dead-letters/{id}/resubmit", null))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        using (var ignore = await (await shop.OperatorAsync()).PostAsJsonAsync($"api/admin/dead-letters/{again.Str("id")}/ignore", new { note = "provider outage; order cancelled by timeout" }))
            Assert.Equal(HttpStatusCode.OK, ignore.StatusCode);
        var ignored = await shop.GetJsonAsync($"api/admin/dead-letters/{again.Str("id")}");
        Assert.Equal("Ignored", ignored.Str("status"));
        Assert.Equal("provider outage; order cancelled by timeout", ignored.Str("note"));
    }

    /// <summary>Waits for a dead letter whose body is about <paramref name="orderId"/>, other than those already seen.</summary>
    private static async Task<JsonElement> DeadLetterForAsync(ShopApi shop, string orderId, IReadOnlyCollection<string> except)
    {
        JsonElement found = default;
        var ok = await Eventually.TrueAsync(async () =>
        {
            foreach (var letter in await shop.GetListAsync("api/admin/dead-letters?status=Pending"))
            {
                var id = letter.Str("id")!;
                if (except.Contains(id)) continue;
                var shown = await shop.GetJsonAsync($"api/admin/dead-letters/{id}");
                if (shown.ToString().Contains(orderId, StringComparison.Ordinal))
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
}
