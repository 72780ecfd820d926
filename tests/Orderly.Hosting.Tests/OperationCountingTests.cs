using System.Text.Json;
using Orderly.Hosting.OperationCounting;
using Orderly.Messaging;
using Orderly.Storage;

namespace Orderly.Hosting.Tests;

/// <summary>
/// The cost benchmark prices what these decorators count: a known sequence of store calls and settlements must come out as
/// the Cosmos DB requests, Service Bus operations and Function executions Azure would bill for it, with the published charges.
/// </summary>
public sealed class OperationCountingTests
{
    [Fact]
    public async Task Each_store_call_is_counted_as_the_Cosmos_request_it_is_with_the_published_charge()
    {
        var counts = new OperationCounts();
        var store = new CountingDocumentStore(new ListStore(), counts);

        await store.CreateAsync("p1", "order-1", "order", new { total = 10 });
        await store.ReadAsync("p1", "order-1");
        await store.ReadAsync("p1", "nobody");
        await store.QueryAsync("p1");
        var etag = (await store.ReadAsync("p1", "order-1"))!.ETag;
        await store.CommitAsync(new WriteBatch("p1")
            .Replace("order-1", "order", new { total = 12 }, etag)
            .Create("outbox-1", "outbox", new { type = "OrderConfirmed" })
            .Delete("gone"));

        var seen = counts.Snapshot();
        Assert.Equal(2, seen[Operations.CosmosCreate].Count);
        Assert.Equal(1, seen[Operations.CosmosReplace].Count);
        Assert.Equal(1, seen[Operations.CosmosDelete].Count);
        Assert.Equal(1, seen[Operations.CosmosBatch].Count); // the three-write batch is one request; the single create is none
        Assert.Equal(2, seen[Operations.CosmosPointRead].Count);
        Assert.Equal(1, seen[Operations.CosmosPointReadMiss].Count);
        Assert.Equal(1, seen[Operations.CosmosQuery].Count);
        // Every item here is under 1 KB: 4.95 RU a write, 1 RU a read (learn.microsoft.com, "Document size" table).
        Assert.Equal(2 * 4.95, seen[Operations.CosmosCreate].RequestUnits, 3);
        Assert.Equal(2 * 1.0, seen[Operations.CosmosPointRead].RequestUnits, 3);
        Assert.Equal(CosmosCharges.QueryBase + 1.0, seen[Operations.CosmosQuery].RequestUnits, 3);
        // {"id":"order-1","pk":"p1","kind":"order","body":{"total":10}} plus the system properties.
        Assert.Equal(33 + "order-1".Length + 2 + "order".Length + """{"total":10}""".Length + CosmosCharges.SystemPropertyBytes,
            seen[Operations.CosmosPointRead].Bytes / 2);
    }

    [Theory]
    [InlineData(900, 1.00, 4.95)]
    [InlineData(1500, 1.04, 6.29)]
    [InlineData(3000, 1.14, 6.67)]
    [InlineData(40_000, 4.76, 22.67)]
    public void An_item_is_charged_the_published_row_at_or_above_its_size(long bytes, double read, double write)
    {
        Assert.Equal(read, CosmosCharges.Read(bytes));
        Assert.Equal(write, CosmosCharges.Write(bytes));
    }

    [Fact]
    public async Task A_page_of_a_listing_is_counted_as_one_query_charged_for_what_it_read()
    {
        var counts = new OperationCounts();
        var store = new CountingDocumentStore(new ListStore(), counts);
        await store.CreateAsync("p1", "order-1", "order", new { total = 10 });
        await store.CreateAsync("p2", "order-2", "order", new { total = 11 });

        var page = await store.ListAsync(new DocumentListing("order", 10));

        Assert.Equal(2, page.Items.Count);
        var query = counts.Snapshot()[Operations.CosmosQuery];
        Assert.Equal(1, query.Count);
        Assert.Equal(CosmosCharges.QueryBase + 2.0, query.RequestUnits, 3);
    }

    [Fact]
    public async Task A_delivery_is_one_receive_one_settlement_and_one_execution_however_often_it_is_settled()
    {
        var counts = new OperationCounts();
        var first = new CountingSettlement(new NoSettlement(), counts, bytes: 600);
        var second = new CountingSettlement(new NoSettlement(), counts, bytes: 400);

        await first.CompleteAsync();
        await second.RetryLaterAsync(TimeSpan.FromSeconds(1), spendsAttempt: true);
        await second.DeadLetterAsync("poison", "gave up");

        var seen = counts.Snapshot();
        Assert.Equal(2, seen[Operations.ServiceBusReceive].Count);
        Assert.Equal(1000, seen[Operations.ServiceBusReceive].Bytes);
        Assert.Equal(1, seen[Operations.ServiceBusComplete].Count);
        Assert.Equal(1, seen[Operations.ServiceBusRetryLater].Count);
        Assert.Equal(1, seen[Operations.ServiceBusDeadLetter].Count);
        Assert.Equal(2, seen[Operations.FunctionServiceBusTrigger].Count);
    }

    [Fact]
    public async Task Each_message_published_is_one_send()
    {
        var counts = new OperationCounts();
        var publisher = new CountingPublisher(new NoPublisher(), counts);
        OutgoingMessage Message(string id) => new("orders-commands", new Orderly.Contracts.Envelope
        {
            Id = id, Type = "orderly.orders.confirm-order.v1", Source = "checkout", Time = DateTimeOffset.UnixEpoch,
            CorrelationId = "c", Data = JsonSerializer.SerializeToElement(new { orderId = "o" }),
        });

        await publisher.PublishAsync([Message("m1"), Message("m2")]);
        await publisher.PublishAsync([Message("m3")]);

        Assert.Equal(3, counts.Snapshot()[Operations.ServiceBusSend].Count);
    }

    /// <summary>A store over a list: enough of one partition for the counting to be exercised on real results.</summary>
    private sealed class ListStore : IDocumentStore
    {
        private readonly Dictionary<string, StoredDocument> _documents = [];
        private int _version;

        public string Container => "test";

        public Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken = default) =>
            Task.FromResult(_documents.GetValueOrDefault(id));

        public Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string? kind = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<StoredDocument>>(_documents.Values.Where(d => kind is null || d.Kind == kind).ToList());

        public Task<DocumentPage> ListAsync(DocumentListing listing, CancellationToken cancellationToken = default) =>
            Task.FromResult(new DocumentPage(_documents.Values.Where(d => d.Kind == listing.Kind).Take(listing.PageSize).ToList(), null));

        public Task<BatchResult> CommitAsync(WriteBatch batch, CancellationToken cancellationToken = default)
        {
            var etags = new List<string?>();
            foreach (var write in batch.Writes)
            {
                if (write.Kind == WriteKind.Delete)
                {
                    _documents.Remove(write.Id);
                    etags.Add(null);
                    continue;
                }
                var etag = $"v{++_version}";
                _documents[write.Id] = new StoredDocument(write.Id, batch.PartitionKey, write.DocumentKind!, write.Body!.Value, etag);
                etags.Add(etag);
            }
            return Task.FromResult(new BatchResult(etags));
        }
    }

    private sealed class NoSettlement : IMessageSettlement
    {
        public Task CompleteAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class NoPublisher : IMessagePublisher
    {
        public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
