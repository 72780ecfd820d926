using Orderly.Embedded;
using Orderly.Embedded.Store;

namespace Orderly.Storage.Tests;

/// <summary>How the embedded database holds its file: the WAL index in the process's heap, the file owned by one process.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orderly-sqlite-").FullName;

    private string File => Path.Combine(_directory, "orderly.db");

    public void Dispose() => EmbeddedDatabaseFixture.TryDelete(_directory);

    [Fact]
    public async Task The_WAL_index_is_kept_in_memory_so_no_memory_mapped_shm_file_exists()
    {
        // A -shm file is memory-mapped: when the disk refused to write it the host died of SIGBUS instead of an I/O error.
        if (OperatingSystem.IsWindows()) return; // unix-excl is a Unix VFS; Windows keeps SQLite's default (docs/local-host.md)
        await using var db = new SqliteDatabase(File);
        var store = new EmbeddedDocumentStore(db, "orders");

        await store.CreateAsync("c-1", "order-1", "order", new DocumentStoreContract.Stock("order-1", 4));
        var read = await store.ReadAsync("c-1", "order-1"); // on a reader connection of its own, beside the writer

        Assert.Equal(4, read!.As<DocumentStoreContract.Stock>().OnHand);
        Assert.True(System.IO.File.Exists(File + "-wal"), "the database is not in WAL mode");
        Assert.False(System.IO.File.Exists(File + "-shm"), "the WAL index is a memory-mapped -shm file");
    }

    [Fact]
    public async Task Two_databases_on_one_file_in_one_process_see_each_others_writes()
    {
        // The process owns the file, not the connection: the broker, store and saga runner may each hold one.
        await using var first = new SqliteDatabase(File);
        await using var second = new SqliteDatabase(File);

        await new EmbeddedDocumentStore(first, "orders").CreateAsync("c-1", "order-1", "order", new DocumentStoreContract.Stock("order-1", 7));

        Assert.Equal(7, (await new EmbeddedDocumentStore(second, "orders").ReadAsync("c-1", "order-1"))!.As<DocumentStoreContract.Stock>().OnHand);
    }
}
