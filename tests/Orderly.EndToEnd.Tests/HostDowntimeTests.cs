using System.Globalization;
using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// The whole host stops with sagas waiting for replies and stays down twice the step timeout: their step timers are long
/// past when it comes back. A step timeout measures the provider's silence, not the host's downtime (each late timer
/// costs a re-ask, orchestrations/README.md), so no order whose services answer is cancelled <c>timeout</c>, and the books balance.
/// </summary>
public sealed class HostDowntimeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(4);
    private ShopHost? _host;

    public async Task InitializeAsync()
    {
        // Its own host, with a step timeout it can outlast quickly; killing the shared one would break the tests beside this one.
        if (ShopHost.IsExternal) return;
        _host = await ShopHost.StartOwnAsync(new Dictionary<string, string>
        {
            ["Checkout__StepTimeout"] = StepTimeout.ToString("c", CultureInfo.InvariantCulture),
            // tok_flaky fails twice before it answers; a slower retry keeps those sagas waiting for AuthorizePayment long
            // enough for the stop to find them there (0.5 s + 1 s, well inside the step timeout).
            ["Messaging__Consumer__BaseDelay"] = "00:00:00.500",
            // tok_flaky's failures must reach the pipeline (the provider edge would otherwise retry them inside the call).
            ["Payments__ProviderRetries"] = "0",
            // The flaky failures are not what this test is about: an open circuit would fail good tokens too.
            ["Payments__CircuitBreaker__MinimumThroughput"] = "100000",
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_stop_longer_than_the_step_timeout_with_sagas_waiting_for_replies_cancels_no_order_and_the_books_balance()
    {
        if (_host is null)
        {
            output.WriteLine("SKIPPED: ORDERLY_BASE_URL points at a shop these tests did not start, so they may not stop it.");
            return;
        }
        var shop = new ShopApi(_host);
        var sku = ShopApi.NewSku("downtime");
        const int stock = 100;
        await shop.CreateProductAsync(sku, 3m, stock);

        var tokens = Enumerable.Range(0, 24).Select(i => i % 3 == 0 ? "tok_visa" : $"tok_flaky_{Guid.NewGuid():N}").ToArray();
        var orderIds = await Task.WhenAll(tokens.Select(t => shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)], t))));

        // Stop when sagas wait for replies: payments has taken their AuthorizePayment and failed it once (the host logs each
        // failed attempt with the command's id), so the command was sent and the saga's step timer is running.
        var waiting = 0;
        Assert.True(await Eventually.TrueAsync(() =>
        {
            var log = string.Join('\n', _host.OutputLines);
            waiting = orderIds.Count(id => log.Contains($"{id}-authorize-payment-1 failed", StringComparison.Ordinal));
            return Task.FromResult(waiting >= 4);
        }, TimeSpan.FromSeconds(20)), "no AuthorizePayment of a flaky token ever failed");
        await _host.CrashAndRestartAsync(downtime: 2 * StepTimeout);

        var orders = await Task.WhenAll(orderIds.Select(shop.WaitForOutcomeAsync));
        var finals = await Task.WhenAll(orderIds.Select(shop.WaitForSagaEndAsync));
        var reasked = finals.Count(s => s.Prop("steps")!.Value.Items().Any(step => step.Int("attempts") > 1));
        output.WriteLine($"{orderIds.Length} orders, {waiting} sagas waiting for AuthorizePayment at the stop, down {2 * StepTimeout.TotalSeconds} s " +
                         $"(step timeout {StepTimeout.TotalSeconds} s): {orders.Count(o => o.Str("status") == "Confirmed")} confirmed, " +
                         $"{orders.Count(o => o.Str("cancellationReason") == "timeout")} cancelled timeout, {reasked} with a step asked again");

        Assert.DoesNotContain(orders, o => o.Str("cancellationReason") == "timeout");
        Assert.All(orders, o => Assert.Equal("Confirmed", o.Str("status")));
        // On the embedded runner the late timers fire at once on the restart, so the stop must have cost re-asks, or it did not
        // land where it means to. On Durable Task's Azure Storage backend a timer message the killed worker had already taken
        // stays hidden until its visibility timeout, and the reply, a fresh message, may reach the saga first.
        if (Environment.GetEnvironmentVariable("Sagas__Engine") is null or "Embedded")
            Assert.True(reasked > 0, "no step timer ran out during the stop: the test did not stop the host where it means to");
        Assert.Equal(new Product(stock - orderIds.Length, 0, stock - orderIds.Length), await shop.GetProductAsync(sku));
        foreach (var orderId in orderIds)
            Assert.Single(await shop.PaymentsOfAsync(orderId), p => p.StatusOf() == "captured");
    }
}
