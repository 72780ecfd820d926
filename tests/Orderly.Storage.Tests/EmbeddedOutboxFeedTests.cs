using System.Text.Json;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Outbox;

namespace Orderly.Storage.Tests;

public sealed class EmbeddedOutboxFeedTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orderly-outbox-").FullName;
    private SqliteDatabase _database = null!;

    private string File => Path.Combine(_directory, "orderly.db");

    public Task InitializeAsync()
    {
        _database = new SqliteDatabase(File);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        EmbeddedDatabaseFixture.TryDelete(_directory);
    }

    private static OutboxRecord Record(string messageId) =>
        new("orders-events", messageId, JsonSerializer.SerializeToElement(new { id = messageId }), null, DateTimeOffset.UtcNow);

    private static Task Commit(IDocumentStore store, string pk, params string[] messageIds)
    {
        var batch = new WriteBatch(pk).Upsert("order", "order", new { pk });
        foreach (var id in messageIds) batch.Create(OutboxRecord.DocumentId(id), OutboxRecord.Kind, Record(id));
        return store.CommitAsync(batch);
    }

    [Fact]
    public async Task Pending_records_come_in_commit_order_across_partitions()
    {
        var store = new EmbeddedDocumentStore(_database, "orders");
        await Commit(store, "p2", "m1", "m2");
        await Commit(store, "p1", "m3");
        await Commit(store, "p2", "m4");
        await Commit(new EmbeddedDocumentStore(_database, "payments"), "p1", "not-mine");

        var pending = await new EmbeddedOutboxFeed(_database, "orders").ReadPendingAsync(10);

        Assert.Equal(["m1", "m2", "m3", "m4"], pending.Select(p => p.Record.MessageId));
        Assert.Equal(["p2", "p2", "p1", "p2"], pending.Select(p => p.PartitionKey));
        Assert.Equal(pending.Select(p => p.Sequence).Order(), pending.Select(p => p.Sequence));
        Assert.Equal("orders-events", pending[0].Record.Destination);
        Assert.Equal("m1", pending[0].Record.Envelope.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Acknowledged_records_are_not_read_again_and_the_rest_are()
    {
        var store = new EmbeddedDocumentStore(_database, "orders");
        var feed = new EmbeddedOutboxFeed(_database, "orders");
        await Commit(store, "p1", "m1", "m2", "m3");

        var firstTwo = await feed.ReadPendingAsync(2);
        Assert.Equal(["m1", "m2"], firstTwo.Select(p => p.Record.MessageId));
        await feed.AcknowledgeAsync(firstTwo);

        Assert.Equal(["m3"], (await feed.ReadPendingAsync(10)).Select(p => p.Record.MessageId));
        Assert.Null(await store.ReadAsync("p1", OutboxRecord.DocumentId("m1")));
    }

    [Fact]
    public async Task Unacknowledged_records_are_read_again_after_a_restart()
    {
        await Commit(new EmbeddedDocumentStore(_database, "orders"), "p1", "m1", "m2");
        var before = await new EmbeddedOutboxFeed(_database, "orders").ReadPendingAsync(10);
        await new EmbeddedOutboxFeed(_database, "orders").AcknowledgeAsync([before[0]]);
        await _database.DisposeAsync();

        _database = new SqliteDatabase(File);
        var after = await new EmbeddedOutboxFeed(_database, "orders").ReadPendingAsync(10);

        Assert.Equal(["m2"], after.Select(p => p.Record.MessageId));
        Assert.Equal(before[1].Sequence, after[0].Sequence);
    }

    [Fact]
    public async Task A_rolled_back_batch_leaves_no_record_to_publish()
    {
        var store = new EmbeddedDocumentStore(_database, "orders");
        await store.CreateAsync("p1", "order", "order", new { v = 1 });
        var batch = new WriteBatch("p1").Create(OutboxRecord.DocumentId("m1"), OutboxRecord.Kind, Record("m1")).Create("order", "order", new { v = 2 });

        await Assert.ThrowsAsync<DocumentConflictException>(() => store.CommitAsync(batch));

        Assert.Empty(await new EmbeddedOutboxFeed(_database, "orders").ReadPendingAsync(10));
    }

    [Fact]
    public async Task Waiting_wakes_as_soon_as_a_batch_with_outbox_records_commits()
    {
        var store = new EmbeddedDocumentStore(_database, "orders");
        var feed = new EmbeddedOutboxFeed(_database, "orders");
        Assert.Empty(await feed.ReadPendingAsync(10));

        var wait = feed.WaitForRecordsAsync(TimeSpan.FromMinutes(5));
        await store.UpsertAsync("p1", "order", "order", new { v = 1 }); // no outbox record: no reason to wake
        Assert.False(wait.IsCompleted);
        await Commit(store, "p1", "m1");

        var woke = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(wait, woke);
        Assert.Single(await feed.ReadPendingAsync(10));
    }

    [Fact]
    public async Task A_commit_between_read_and_wait_is_not_missed()
    {
        var store = new EmbeddedDocumentStore(_database, "orders");
        var feed = new EmbeddedOutboxFeed(_database, "orders");
        Assert.Empty(await feed.ReadPendingAsync(10));
        await Commit(store, "p1", "m1");

        var wait = feed.WaitForRecordsAsync(TimeSpan.FromMinutes(5));
        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task Waiting_with_nothing_new_ends_after_the_max_wait()
    {
        var feed = new EmbeddedOutboxFeed(_database, "orders");
        Assert.Empty(await feed.ReadPendingAsync(10));

        var wait = feed.WaitForRecordsAsync(TimeSpan.FromMilliseconds(100));
        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(10))));
    }
}
