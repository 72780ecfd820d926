using System.Net;
using System.Text.Json;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Orders.Domain;
using Orderly.Orders.Handlers;
using Orderly.Outbox;
using Orderly.Storage;

using Orderly.Hosting.Access;

namespace Orderly.Orders.Tests;

/// <summary>Placing and reading orders through the HTTP API, on the embedded store.</summary>
public sealed class PlaceOrderTests : IAsyncLifetime
{
    private readonly List<WriteBatch> _committed = [];
    private readonly OrdersHarness _orders;
    private HttpClient _client = null!;

    public PlaceOrderTests() => _orders = new OrdersHarness(store => new BatchRecordingStore(store, _committed));

    public async Task InitializeAsync() => _client = await _orders.ClientAsync();

    public async Task DisposeAsync() => await _orders.DisposeAsync();

    [Fact]
    public async Task Placing_an_order_answers_202_pending_with_its_location()
    {
        using var response = await _client.PostAsync(OrderRequests.Valid());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await response.JsonAsync();
        var orderId = json.GetProperty("orderId").GetString();
        Assert.Equal("Pending", json.GetProperty("status").GetString());
        Assert.Equal($"/api/orders/{orderId}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_order_and_exactly_one_OrderPlaced_are_written_in_one_batch()
    {
        using var response = await _client.PostAsync(OrderRequests.Valid());
        var orderId = (await response.JsonAsync()).GetProperty("orderId").GetString()!;

        var batch = Assert.Single(_committed);
        Assert.Equal(orderId, batch.PartitionKey);
        Assert.Equal(["order", OutboxRecord.Kind], batch.Writes.Select(w => w.DocumentKind));

        var message = Assert.Single(await _orders.PendingMessagesAsync());
        Assert.Equal(Destinations.OrdersEvents, message.Destination);
        Assert.Equal(orderId, message.Envelope.CorrelationId);
        // The event passes its own contract schema, so every consumer can read it.
        var placed = Assert.IsType<OrderPlaced>(EnvelopeJson.ReadData(message.Envelope));
        Assert.Equal(orderId, placed.OrderId);
        Assert.Equal("tok_visa", placed.PaymentToken);
        Assert.Equal([new OrderLine("SKU-1", 2)], placed.Items);
    }

    [Fact]
    public async Task A_pending_order_shows_a_null_total_and_never_its_payment_token()
    {
        using var placed = await _client.PostAsync(OrderRequests.Valid());
        using var response = await _client.GetAsync(placed.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("tok_visa", text, StringComparison.Ordinal);
        Assert.DoesNotContain("paymentToken", text, StringComparison.Ordinal);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Pending", json.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("total").ValueKind);
        Assert.False(json.TryGetProperty("cancellationReason", out _));
        Assert.Equal("cust-1", json.GetProperty("customerId").GetString());
        Assert.Equal("SKU-1", json.GetProperty("items")[0].GetProperty("sku").GetString());
        Assert.Equal(_orders.Clock.GetUtcNow(), json.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_confirmed_order_shows_its_total_and_a_cancelled_one_its_reason()
    {
        var confirmedId = await PlaceAsync();
        var cancelledId = await PlaceAsync();
        await _orders.HandleAsync(new ConfirmOrderHandler(_orders.Messaging), new ConfirmOrder(confirmedId, new Money(25.90m, "EUR")));
        await _orders.HandleAsync(new CancelOrderHandler(_orders.Messaging), new CancelOrder(cancelledId, "payment-declined"));

        var confirmed = await (await _client.GetAsync($"/api/orders/{confirmedId}")).JsonAsync();
        Assert.Equal("Confirmed", confirmed.GetProperty("status").GetString());
        Assert.Equal(25.90m, confirmed.GetProperty("total").GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", confirmed.GetProperty("total").GetProperty("currency").GetString());

        var cancelled = await (await _client.GetAsync($"/api/orders/{cancelledId}")).JsonAsync();
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("payment-declined", cancelled.GetProperty("cancellationReason").GetString());
    }

    [Fact]
    public async Task An_unknown_order_is_a_404_problem()
    {
        using var response = await _client.GetAsync("/api/orders/no-such-order");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_same_key_and_body_answer_the_same_order_with_its_current_status()
    {
        using var first = await _client.PostAsync(OrderRequests.Valid(), "key-1");
        var orderId = (await first.JsonAsync()).GetProperty("orderId").GetString()!;
        await _orders.HandleAsync(new ConfirmOrderHandler(_orders.Messaging), new ConfirmOrder(orderId, new Money(10m, "EUR")));

        // The same request with its properties in another order and other white space is still the same request.
        using var again = await _client.PostRawAsync("""
            { "paymentToken": "tok_visa",
              "shippingAddress": { "country": "GB", "postalCode": "N1 9GU", "city": "London", "line1": "1 Analytical St", "name": "Ada Lovelace" },
              "items": [ { "quantity": 2, "sku": "SKU-1" } ], "customerId": "cust-1" }
            """, "key-1");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var json = await again.JsonAsync();
        Assert.Equal(orderId, json.GetProperty("orderId").GetString());
        Assert.Equal("Confirmed", json.GetProperty("status").GetString());
        Assert.Equal($"/api/orders/{orderId}", again.Headers.Location?.OriginalString);
        Assert.Single(await _orders.PendingMessagesAsync(), m => m.Envelope.Type == MessageCatalog.For<OrderPlaced>().Name);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_422_naming_the_key()
    {
        using var first = await _client.PostAsync(OrderRequests.Valid(), "key-2");
        var other = OrderRequests.Valid();
        other["paymentToken"] = "tok_other";
        using var second = await _client.PostAsync(other, "key-2");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", await second.ErrorFieldsAsync());
        Assert.Single(await _orders.PendingMessagesAsync());
    }

    [Fact]
    public async Task Without_a_key_the_same_body_places_two_orders()
    {
        var a = await PlaceAsync();
        var b = await PlaceAsync();
        Assert.NotEqual(a, b);
        Assert.Equal(2, (await _orders.PendingMessagesAsync()).Count);
    }

    [Fact]
    public async Task Two_customers_using_the_same_key_get_two_orders()
    {
        using var clientA = await _orders.ClientAsync("cust-a", Roles.Customer);
        using var clientB = await _orders.ClientAsync("cust-b", Roles.Customer);
        using var a = await clientA.PostAsync(OrderRequests.Valid("cust-a"), "shared-key");
        using var b = await clientB.PostAsync(OrderRequests.Valid("cust-b"), "shared-key");
        Assert.Equal(HttpStatusCode.Accepted, b.StatusCode);
        Assert.NotEqual((await a.JsonAsync()).GetProperty("orderId").GetString(), (await b.JsonAsync()).GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task The_largest_valid_order_and_unknown_skus_are_accepted()
    {
        var body = OrderRequests.Valid(new string('c', 64));
        body["items"] = Enumerable.Range(0, 50).Select(i => new { sku = $"NO_SUCH-SKU_{i}", quantity = 1000 }).ToArray();
        using var customer = await _orders.ClientAsync(new string('c', 64), Roles.Customer);
        using var response = await customer.PostAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(50, Assert.IsType<OrderPlaced>(EnvelopeJson.ReadData(Assert.Single(await _orders.PendingMessagesAsync()).Envelope)).Items.Count);
    }

    private async Task<string> PlaceAsync(string customerId = "cust-1")
    {
        using var response = await _client.PostAsync(OrderRequests.Valid(customerId));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("orderId").GetString()!;
    }

    /// <summary>Passes batches to the real store and keeps each one that committed, to see what was written together.</summary>
    private sealed class BatchRecordingStore(IDocumentStore inner, List<WriteBatch> committed) : IDocumentStore
    {
        public string Container => inner.Container;

        public Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(partitionKey, id, cancellationToken);

        public Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string? kind = null, CancellationToken cancellationToken = default) =>
            inner.QueryAsync(partitionKey, kind, cancellationToken);

        public Task<DocumentPage> ListAsync(DocumentListing listing, CancellationToken cancellationToken = default) =>
            inner.ListAsync(listing, cancellationToken);

        public async Task<BatchResult> CommitAsync(WriteBatch batch, CancellationToken cancellationToken = default)
        {
            var result = await inner.CommitAsync(batch, cancellationToken);
            lock (committed) committed.Add(batch);
            return result;
        }
    }
}
