using System.Net;
using System.Text.Json;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Hosting.Access;
using Orderly.Notifications.Domain;

namespace Orderly.Notifications.Tests;

public sealed class NotificationTests : IAsyncLifetime
{
    private readonly NotificationsHarness _n = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _n.DisposeAsync();

    private OrderPlaced Placed(string orderId = "o-1", string customerId = "c-1") => new(orderId, customerId,
        [new OrderLine("SKU-1", 2), new OrderLine("SKU-2", 1)], new ShippingAddress("Ada Lovelace", "1 Road", "London", "N1", "GB"), "tok",
        _n.Clock.GetUtcNow());

    [Fact]
    public async Task A_placed_order_gets_one_we_received_your_order_email()
    {
        await _n.DeliverAsync(Placed());
        var sent = Assert.Single(await _n.RecordedAsync("c-1"));
        Assert.Equal(NotificationKind.OrderReceived, sent.Kind);
        Assert.Equal("o-1", sent.OrderId);
        Assert.Contains("received your order o-1", sent.Subject, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", sent.Body, StringComparison.Ordinal);
        Assert.Contains("3 items", sent.Body, StringComparison.Ordinal);
        Assert.Equal(_n.Clock.GetUtcNow(), sent.SentAt);
    }

    [Fact]
    public async Task The_same_event_delivered_twice_sends_one_email()
    {
        await _n.DeliverAsync(Placed());
        _n.Clock.Advance(TimeSpan.FromMinutes(1));
        await _n.DeliverAsync(Placed());
        var sent = Assert.Single(await _n.RecordedAsync("c-1"));
        Assert.Equal(1, _n.Sender.Sends);
        Assert.Equal(_n.Clock.GetUtcNow().AddMinutes(-1), sent.SentAt);
    }

    [Fact]
    public async Task A_send_repeated_after_a_crash_records_one_notification()
    {
        // The handler's "already sent?" read missed (e.g. it ran before the first send committed): the adapter still records once.
        var message = CustomerMessages.OrderReceived(Placed());
        await _n.Sender.SendAsync(message);
        await _n.Sender.SendAsync(message);
        Assert.Single(await _n.RecordedAsync("c-1"));
    }

    [Fact]
    public async Task A_confirmed_order_gets_an_email_with_its_total()
    {
        await _n.DeliverAsync(new OrderConfirmed("o-1", "c-1", new Money(42.5m, "EUR"), _n.Clock.GetUtcNow()));
        var sent = Assert.Single(await _n.RecordedAsync("c-1"));
        Assert.Equal(NotificationKind.OrderConfirmed, sent.Kind);
        Assert.Contains("is confirmed", sent.Subject, StringComparison.Ordinal);
        Assert.Contains("Total: 42.50 EUR", sent.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out-of-stock", "out of stock")]
    [InlineData("payment-declined", "payment was declined")]
    [InlineData("shipping-unavailable", "cannot ship")]
    [InlineData("timeout", "in time")]
    [InlineData("something-new", "could not complete your order")]
    public async Task A_cancelled_order_gets_the_reason_in_words_never_the_code(string reason, string words)
    {
        await _n.DeliverAsync(new OrderCancelled("o-1", "c-1", reason, _n.Clock.GetUtcNow()));
        var sent = Assert.Single(await _n.RecordedAsync("c-1"));
        Assert.Equal(NotificationKind.OrderCancelled, sent.Kind);
        Assert.Contains(words, sent.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(reason, sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_event_of_an_order_is_its_own_notification_with_a_stable_id()
    {
        await _n.DeliverAsync(Placed());
        await _n.DeliverAsync(new OrderConfirmed("o-1", "c-1", new Money(1m, "EUR"), _n.Clock.GetUtcNow()));
        var sent = await _n.RecordedAsync("c-1");
        Assert.Equal(2, sent.Select(s => s.NotificationId).Distinct().Count());
        Assert.Contains(sent, s => s.NotificationId == EmailMessage.NotificationIdFor("o-1", NotificationKind.OrderConfirmed));
    }

    [Fact]
    public async Task A_customer_reads_their_notifications_newest_first()
    {
        await _n.DeliverAsync(Placed("o-1"));
        _n.Clock.Advance(TimeSpan.FromMinutes(1));
        await _n.DeliverAsync(Placed("o-2"));
        _n.Clock.Advance(TimeSpan.FromMinutes(1));
        await _n.DeliverAsync(new OrderCancelled("o-1", "c-1", "out-of-stock", _n.Clock.GetUtcNow()));
        await _n.DeliverAsync(Placed("o-3", customerId: "someone-else"));

        var client = await _n.ClientAsync();
        using var response = await client.GetAsync("/api/notifications?customerId=c-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = (await NotificationsHarness.JsonAsync(response)).EnumerateArray().ToList();
        Assert.Equal([("o-1", "order-cancelled"), ("o-2", "order-received"), ("o-1", "order-received")],
            list.Select(n => (n.GetProperty("orderId").GetString(), n.GetProperty("kind").GetString())));
        var first = list[0];
        foreach (var field in new[] { "notificationId", "customerId", "orderId", "kind", "subject", "body", "sentAt" })
            Assert.True(first.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null, field);
    }

    [Theory]
    [InlineData("/api/notifications")]
    [InlineData("/api/notifications?customerId=")]
    [InlineData("/api/notifications?customerId=%20%20")]
    [InlineData("/api/notifications?customerId=ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc")] // 65
    public async Task A_missing_or_invalid_customerId_is_a_400_naming_it(string url)
    {
        var client = await _n.ClientAsync();
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await NotificationsHarness.JsonAsync(response)).GetProperty("errors").TryGetProperty("customerId", out _));
    }
}

/// <summary>Who may read notifications: the customer they were sent to, and operators.</summary>
public sealed class NotificationsAccessTests : IAsyncDisposable
{
    private readonly NotificationsHarness _n = new();

    public async ValueTask DisposeAsync() => await _n.DisposeAsync();

    [Fact]
    public async Task A_customer_reads_only_their_own_notifications_anonymous_is_401_and_a_shop_admin_403()
    {
        using var own = await (await _n.ClientAsync("c-1", Roles.Customer)).GetAsync("/api/notifications?customerId=c-1");
        using var others = await (await _n.ClientAsync("c-2", Roles.Customer)).GetAsync("/api/notifications?customerId=c-1");
        using var anonymous = await (await _n.ClientAsync(null)).GetAsync("/api/notifications?customerId=c-1");
        using var admin = await (await _n.ClientAsync("shopkeeper", Roles.ShopAdmin)).GetAsync("/api/notifications?customerId=c-1");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, others.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }
}
