using Orderly.Embedded;
using Orderly.Embedded.Store;

namespace Orderly.Storage.Tests;

/// <summary>A temporary SQLite file per test class, with a clock the tests move.</summary>
public sealed class EmbeddedDatabaseFixture : IAsyncDisposable
{
    public EmbeddedDatabaseFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("orderly-store-").FullName;
        Database = new SqliteDatabase(Path.Combine(Directory, "orderly.db"));
        Store = new EmbeddedDocumentStore(Database, "contract", Clock);
    }

    public string Directory { get; }
    public ManualClock Clock { get; } = new();
    public SqliteDatabase Database { get; }
    public EmbeddedDocumentStore Store { get; }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        TryDelete(Directory);
    }

    public static void TryDelete(string directory)
    {
        try { System.IO.Directory.Delete(directory, recursive: true); }
        catch (IOException) { /* a leftover temp file is harmless */ }
    }
}

public sealed class EmbeddedDocumentStoreTests(EmbeddedDatabaseFixture fixture) : DocumentStoreContract, IClassFixture<EmbeddedDatabaseFixture>
{
    protected override IDocumentStore Store => fixture.Store;

    protected override Task PassTimeAsync(TimeSpan duration)
    {
        fixture.Clock.Advance(duration);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Data_survives_closing_and_reopening_the_database()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("orderly-reopen-").FullName;
        try
        {
            var file = Path.Combine(directory, "orderly.db");
            string etag;
            await using (var db = new SqliteDatabase(file))
                etag = await new EmbeddedDocumentStore(db, "orders").CreateAsync("c-1", "order-1", "order", new Stock("order-1", 4));

            await using (var db = new SqliteDatabase(file))
            {
                var store = new EmbeddedDocumentStore(db, "orders");
                var read = await store.ReadAsync("c-1", "order-1");
                Assert.Equal((4, etag), (read!.As<Stock>().OnHand, read.ETag));
                // The sequence continues after a restart: a new write never reuses an ETag handed out before.
                var next = await store.ReplaceAsync("c-1", "order-1", "order", new Stock("order-1", 5), etag);
                Assert.NotEqual(etag, next);
                Assert.Null(await new EmbeddedDocumentStore(db, "inventory").ReadAsync("c-1", "order-1"));
            }
        }
        finally
        {
            EmbeddedDatabaseFixture.TryDelete(directory);
        }
    }

    [Fact]
    public async Task Containers_in_one_database_do_not_see_each_other()
    {
        var other = new EmbeddedDocumentStore(fixture.Database, "someone-else", fixture.Clock);
        var pk = NewPartition();
        await other.CreateAsync(pk, "x", "thing", new Stock("x", 1));

        Assert.Null(await Store.ReadAsync(pk, "x"));
        Assert.Empty(await Store.QueryAsync(pk));
        await Store.CreateAsync(pk, "x", "thing", new Stock("x", 2));
        Assert.Equal(1, (await other.ReadAsync(pk, "x"))!.As<Stock>().OnHand);
    }

    [Fact]
    public async Task Concurrent_batches_each_commit_once_and_share_fsyncs()
    {
        var (commitsBefore, unitsBefore) = fixture.Database.CommitStats;
        var pk = NewPartition();
        var batches = Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            Store.CommitAsync(new WriteBatch(pk).Create($"d-{i:000}", "thing", new Stock("x", i)).Create($"outbox:{i:000}", "outbox", new Stock("m", i)))));
        await Task.WhenAll(batches);

        Assert.Equal(400, (await Store.QueryAsync(pk)).Count);
        var (commits, units) = fixture.Database.CommitStats;
        Assert.Equal(200, units - unitsBefore);
        Assert.True(commits - commitsBefore < 200, $"{commits - commitsBefore} commits for 200 concurrent batches: no group commit");
    }
}
