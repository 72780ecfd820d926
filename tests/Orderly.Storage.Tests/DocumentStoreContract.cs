namespace Orderly.Storage.Tests;

/// <summary>
/// What every <see cref="IDocumentStore"/> must do, whatever is behind it. Each test works in its own new partition,
/// so the tests of one class can share a container.
/// </summary>
public abstract class DocumentStoreContract
{
    public sealed record Stock(string Sku, int OnHand);

    public sealed record Tracked(string Status, int N);

    protected abstract IDocumentStore Store { get; }

    /// <summary>Lets at least <paramref name="duration"/> pass for the store's TTL clock.</summary>
    protected abstract Task PassTimeAsync(TimeSpan duration);

    /// <summary>How many races the two-writer test runs.</summary>
    protected virtual int ConcurrencyRounds => 50;

    protected static string NewPartition() => "p-" + Guid.NewGuid().ToString("N");

    [StoreFact]
    public async Task Created_document_reads_back_replaces_and_deletes()
    {
        var pk = NewPartition();
        Assert.Null(await Store.ReadAsync(pk, "sku-1"));

        var created = await Store.CreateAsync(pk, "sku-1", "stock", new Stock("sku-1", 5));
        var read = await Store.ReadAsync(pk, "sku-1");
        Assert.NotNull(read);
        Assert.Equal(new Stock("sku-1", 5), read.As<Stock>());
        Assert.Equal(("sku-1", pk, "stock", created), (read.Id, read.PartitionKey, read.Kind, read.ETag));

        var replaced = await Store.ReplaceAsync(pk, "sku-1", "stock", new Stock("sku-1", 7), created);
        Assert.NotEqual(created, replaced);
        Assert.Equal(7, (await Store.ReadAsync(pk, "sku-1"))!.As<Stock>().OnHand);

        await Store.DeleteAsync(pk, "sku-1", replaced);
        Assert.Null(await Store.ReadAsync(pk, "sku-1"));
    }

    [StoreFact]
    public async Task Stale_etag_never_overwrites()
    {
        var pk = NewPartition();
        var first = await Store.CreateAsync(pk, "sku-1", "stock", new Stock("sku-1", 1));
        var second = await Store.ReplaceAsync(pk, "sku-1", "stock", new Stock("sku-1", 2), first);

        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.ReplaceAsync(pk, "sku-1", "stock", new Stock("sku-1", 99), first));
        Assert.Equal(0, ex.WriteIndex);
        var after = await Store.ReadAsync(pk, "sku-1");
        Assert.Equal((2, second), (after!.As<Stock>().OnHand, after.ETag));
    }

    [StoreFact]
    public async Task Delete_with_a_stale_etag_keeps_the_document()
    {
        var pk = NewPartition();
        var first = await Store.CreateAsync(pk, "sku-1", "stock", new Stock("sku-1", 1));
        await Store.ReplaceAsync(pk, "sku-1", "stock", new Stock("sku-1", 2), first);

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.DeleteAsync(pk, "sku-1", first));
        Assert.Equal(2, (await Store.ReadAsync(pk, "sku-1"))!.As<Stock>().OnHand);
    }

    [StoreFact]
    public async Task Replace_or_delete_of_a_missing_document_is_not_found()
    {
        var pk = NewPartition();
        var etag = await Store.CreateAsync(pk, "sku-1", "stock", new Stock("sku-1", 1));
        await Store.DeleteAsync(pk, "sku-1");

        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Store.ReplaceAsync(pk, "sku-1", "stock", new Stock("sku-1", 2), etag));
        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Store.DeleteAsync(pk, "sku-1"));
        Assert.Null(await Store.ReadAsync(pk, "sku-1"));
    }

    [StoreFact]
    public async Task Create_of_an_existing_id_conflicts_and_keeps_the_first()
    {
        var pk = NewPartition();
        await Store.CreateAsync(pk, "sku-1", "stock", new Stock("sku-1", 1));

        await Assert.ThrowsAsync<DocumentConflictException>(() => Store.CreateAsync(pk, "sku-1", "stock", new Stock("sku-1", 2)));
        Assert.Equal(1, (await Store.ReadAsync(pk, "sku-1"))!.As<Stock>().OnHand);
    }

    [StoreFact]
    public async Task A_failing_write_rolls_back_the_whole_batch()
    {
        var pk = NewPartition();
        var etag = await Store.CreateAsync(pk, "order-1", "order", new Stock("order-1", 1));
        await Store.CreateAsync(pk, "taken", "marker", new Stock("taken", 0));

        var batch = new WriteBatch(pk)
            .Replace("order-1", "order", new Stock("order-1", 2), etag)
            .Create("outbox:m1", "outbox", new Stock("m1", 0))
            .Upsert("inbox:m0", "inbox", new Stock("m0", 0))
            .Create("taken", "marker", new Stock("taken", 1));

        var ex = await Assert.ThrowsAsync<DocumentConflictException>(() => Store.CommitAsync(batch));
        Assert.Equal(3, ex.WriteIndex);
        var order = await Store.ReadAsync(pk, "order-1");
        Assert.Equal((1, etag), (order!.As<Stock>().OnHand, order.ETag));
        Assert.Null(await Store.ReadAsync(pk, "outbox:m1"));
        Assert.Null(await Store.ReadAsync(pk, "inbox:m0"));
        Assert.Equal(0, (await Store.ReadAsync(pk, "taken"))!.As<Stock>().OnHand);
    }

    [StoreFact]
    public async Task A_stale_etag_in_a_batch_names_its_write_and_applies_nothing()
    {
        var pk = NewPartition();
        var stale = await Store.CreateAsync(pk, "order-1", "order", new Stock("order-1", 1));
        await Store.ReplaceAsync(pk, "order-1", "order", new Stock("order-1", 2), stale);

        var batch = new WriteBatch(pk)
            .Create("outbox:m1", "outbox", new Stock("m1", 0))
            .Replace("order-1", "order", new Stock("order-1", 3), stale);

        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(batch));
        Assert.Equal(1, ex.WriteIndex);
        Assert.Null(await Store.ReadAsync(pk, "outbox:m1"));
        Assert.Equal(2, (await Store.ReadAsync(pk, "order-1"))!.As<Stock>().OnHand);
    }

    [StoreFact]
    public async Task A_batch_of_100_writes_commits_and_one_of_101_is_refused_whole()
    {
        var pk = NewPartition();
        var hundred = new WriteBatch(pk);
        for (var i = 0; i < 100; i++) hundred.Create($"d-{i:000}", "line", new Stock($"d-{i}", i));
        Assert.Equal(100, (await Store.CommitAsync(hundred)).ETags.Count);

        var tooMany = new WriteBatch(pk);
        for (var i = 0; i < 101; i++) tooMany.Create($"e-{i:000}", "line", new Stock($"e-{i}", i));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitAsync(tooMany));
        Assert.Equal(100, (await Store.QueryAsync(pk, "line")).Count);
    }

    [StoreFact]
    public async Task Batch_returns_new_etags_that_the_next_replace_accepts()
    {
        var pk = NewPartition();
        var created = await Store.CommitAsync(new WriteBatch(pk)
            .Create("order-1", "order", new Stock("order-1", 1))
            .Create("outbox:m1", "outbox", new Stock("m1", 0))
            .Upsert("inbox:m0", "inbox", new Stock("m0", 0)));
        Assert.Equal(3, created.ETags.Count);
        Assert.All(created.ETags, e => Assert.False(string.IsNullOrEmpty(e)));
        Assert.Equal(created.ETags[0], (await Store.ReadAsync(pk, "order-1"))!.ETag);

        var next = await Store.CommitAsync(new WriteBatch(pk)
            .Replace("order-1", "order", new Stock("order-1", 2), created.ETags[0]!)
            .Delete("outbox:m1", created.ETags[1]));
        Assert.Null(next.ETags[1]);
        Assert.NotEqual(created.ETags[0], next.ETags[0]);

        await Store.ReplaceAsync(pk, "order-1", "order", new Stock("order-1", 3), next.ETags[0]!);
        Assert.Equal(3, (await Store.ReadAsync(pk, "order-1"))!.As<Stock>().OnHand);
        Assert.Null(await Store.ReadAsync(pk, "outbox:m1"));
    }

    [StoreFact]
    public async Task Query_sees_only_its_partition_and_kind_ordered_by_id()
    {
        var pk = NewPartition();
        var other = NewPartition();
        // Written one by one, not as a batch: a stand-in without transactional batches (@zeit/cosmosdb-server) can answer this
        // test too; documents written by a batch are queried in A_batch_of_100_writes_commits_and_one_of_101_is_refused_whole.
        await Store.CreateAsync(pk, "c", "stock", new Stock("c", 3));
        await Store.CreateAsync(pk, "a", "stock", new Stock("a", 1));
        await Store.CreateAsync(pk, "outbox:1", "outbox", new Stock("x", 0));
        await Store.CreateAsync(pk, "b", "stock", new Stock("b", 2));
        await Store.CreateAsync(other, "a", "stock", new Stock("a", 100));

        var all = await Store.QueryAsync(pk);
        Assert.Equal(["a", "b", "c", "outbox:1"], all.Select(d => d.Id));
        var stock = await Store.QueryAsync(pk, "stock");
        Assert.Equal([1, 2, 3], stock.Select(d => d.As<Stock>().OnHand));
        Assert.All(stock, d => Assert.Equal(pk, d.PartitionKey));
        Assert.Empty(await Store.QueryAsync(NewPartition()));
    }

    [StoreFact]
    public async Task Listing_pages_through_every_partition_once_by_kind_and_body_field()
    {
        // A kind of this test's own: the class's tests share one container, and a listing crosses partitions.
        var kind = "listed-" + Guid.NewGuid().ToString("N")[..8];
        string[] partitions = [NewPartition(), NewPartition(), NewPartition()];
        var expected = new List<(string, string)>();
        for (var i = 0; i < 7; i++)
        {
            var pk = partitions[i % 3];
            await Store.CreateAsync(pk, $"doc-{i}", kind, new Stock("red", i));
            expected.Add((pk, $"doc-{i}"));
        }
        await Store.CreateAsync(partitions[0], "blue-1", kind, new Stock("blue", 1));
        await Store.CreateAsync(partitions[1], "other-kind", "stock", new Stock("red", 1));

        var pages = await ListAllAsync(new DocumentListing(kind, pageSize: 3) { Where = [new BodyFieldEquals("sku", "red")] });

        Assert.All(pages.SkipLast(1), p => Assert.Equal(3, p.Items.Count)); // only the last page is short
        var listed = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(expected.Order(), listed.Select(d => (d.PartitionKey, d.Id)).Order());
        Assert.All(listed, d => Assert.Equal(kind, d.Kind));
        Assert.Equal(8, (await ListAllAsync(new DocumentListing(kind, pageSize: 1000))).Sum(p => p.Items.Count));
    }

    [StoreFact]
    public async Task Listing_by_status_pages_through_every_partition_and_a_change_of_status_shows_at_once()
    {
        var kind = "listed-" + Guid.NewGuid().ToString("N")[..8];
        string[] partitions = [NewPartition(), NewPartition(), NewPartition()];
        var etags = new Dictionary<string, string>();
        for (var i = 0; i < 9; i++)
            etags[$"doc-{i}"] = await Store.CreateAsync(partitions[i % 3], $"doc-{i}", kind, new Tracked(i % 2 == 0 ? "Pending" : "Confirmed", i));
        // A document that changes status leaves one listing and joins the other.
        await Store.ReplaceAsync(partitions[0], "doc-0", kind, new Tracked("Confirmed", 0), etags["doc-0"]);

        var confirmed = (await ListAllAsync(new DocumentListing(kind, pageSize: 2) { Where = [new BodyFieldEquals("status", "Confirmed")] }))
            .SelectMany(p => p.Items).Select(d => d.Id).ToList();
        var pending = (await ListAllAsync(new DocumentListing(kind, pageSize: 2) { Where = [new BodyFieldEquals("status", "Pending")] }))
            .SelectMany(p => p.Items).Select(d => d.Id).ToList();

        Assert.Equal(["doc-0", "doc-1", "doc-3", "doc-5", "doc-7"], confirmed.Order(StringComparer.Ordinal));
        Assert.Equal(["doc-2", "doc-4", "doc-6", "doc-8"], pending.Order(StringComparer.Ordinal));
    }

    [StoreFact]
    public async Task Listing_one_partition_sees_only_that_partition()
    {
        var kind = "listed-" + Guid.NewGuid().ToString("N")[..8];
        var pk = NewPartition();
        for (var i = 0; i < 5; i++) await Store.CreateAsync(pk, $"doc-{i}", kind, new Stock("red", i));
        await Store.CreateAsync(NewPartition(), "doc-x", kind, new Stock("red", 99));

        var pages = await ListAllAsync(new DocumentListing(kind, pageSize: 2) { PartitionKey = pk });

        Assert.Equal([0, 1, 2, 3, 4], pages.SelectMany(p => p.Items).Select(d => d.As<Stock>().OnHand).Order());
        Assert.All(pages.SkipLast(1), p => Assert.Equal(2, p.Items.Count));
    }

    [StoreFact]
    public async Task A_continuation_the_store_never_handed_out_is_refused()
    {
        var listing = new DocumentListing("stock", pageSize: 10) { PartitionKey = NewPartition(), Continuation = "not a continuation!" };
        await Assert.ThrowsAsync<InvalidContinuationException>(() => Store.ListAsync(listing));
    }

    /// <summary>Every page of a listing, following continuations until none is left (at most 100 pages).</summary>
    protected async Task<List<DocumentPage>> ListAllAsync(DocumentListing listing)
    {
        var pages = new List<DocumentPage>();
        string? continuation = null;
        do
        {
            var page = await Store.ListAsync(listing with { Continuation = continuation });
            Assert.InRange(page.Items.Count, 0, listing.PageSize);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null && pages.Count < 100);
        Assert.Null(continuation);
        return pages;
    }

    [StoreFact]
    public async Task Expired_document_disappears_and_its_id_can_be_created_again()
    {
        var pk = NewPartition();
        await Store.CommitAsync(new WriteBatch(pk)
            .Create("inbox:m1", "inbox", new Stock("m1", 1), timeToLiveSeconds: 1)
            .Create("order-1", "order", new Stock("order-1", 1)));
        Assert.NotNull(await Store.ReadAsync(pk, "inbox:m1"));

        await PassTimeAsync(TimeSpan.FromSeconds(2));
        await WaitUntilAsync(async () => await Store.ReadAsync(pk, "inbox:m1") is null);
        Assert.Equal(["order-1"], (await Store.QueryAsync(pk)).Select(d => d.Id));

        await Store.CreateAsync(pk, "inbox:m1", "inbox", new Stock("m1", 2));
        Assert.Equal(2, (await Store.ReadAsync(pk, "inbox:m1"))!.As<Stock>().OnHand);
    }

    [StoreFact]
    public async Task Two_writers_on_one_document_exactly_one_wins()
    {
        var pk = NewPartition();
        var etag = await Store.CreateAsync(pk, "order-1", "order", new Stock("order-1", 0));
        for (var round = 1; round <= ConcurrencyRounds; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task<string?> Writer(int value)
            {
                await start.Task;
                try { return await Store.ReplaceAsync(pk, "order-1", "order", new Stock("order-1", value), etag); }
                catch (ConcurrencyException) { return null; }
            }
            var a = Task.Run(() => Writer(round * 10 + 1));
            var b = Task.Run(() => Writer(round * 10 + 2));
            start.SetResult();
            var results = await Task.WhenAll(a, b);

            var winners = results.Select((e, i) => (ETag: e, Value: round * 10 + 1 + i)).Where(r => r.ETag is not null).ToList();
            Assert.Single(winners);
            var stored = await Store.ReadAsync(pk, "order-1");
            Assert.Equal((winners[0].Value, winners[0].ETag), (stored!.As<Stock>().OnHand, stored.ETag));
            etag = winners[0].ETag!;
        }
    }

    /// <summary>Polls a condition (a store's expiry may lag its TTL); fails after ten seconds.</summary>
    protected static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(50);
        }
    }
}
