using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Orderly.Storage;

namespace Orderly.Embedded;

/// <summary>The open write transaction a unit of work runs in; callbacks registered here run only once it is durably committed.</summary>
public sealed class WriteScope(SqliteConnection connection, SqliteTransaction transaction)
{
    private List<Action>? _onCommitted;

    public SqliteConnection Connection { get; } = connection;
    public SqliteTransaction Transaction { get; } = transaction;

    /// <summary>A command bound to the transaction.</summary>
    public SqliteCommand Command(string sql)
    {
        var cmd = Connection.CreateCommand();
        cmd.Transaction = Transaction;
        cmd.CommandText = sql;
        return cmd;
    }

    /// <summary>
    /// The command for <paramref name="sql"/>, prepared once on the writer's connection and reused (its parameters too: set
    /// every one of them before each use), bound to the transaction. Not to be disposed.
    /// </summary>
    public SqliteCommand Prepared(string sql) => Store.DocumentStatements.For(Connection).Get(sql, Transaction);

    /// <summary>Runs <paramref name="action"/> after the commit (e.g. wake a waiting reader); not run if the work is rolled back.</summary>
    public void OnCommitted(Action action) => (_onCommitted ??= []).Add(action);

    internal List<Action>? TakeCallbacks()
    {
        var c = _onCommitted;
        _onCommitted = null;
        return c;
    }
}

/// <summary>
/// One SQLite file in WAL mode with a single writer that commits concurrent units of work together (group commit):
/// every caller still gets its own all-or-nothing unit (a savepoint), and one fsync covers them all.
/// Readers use their own connections and never wait for the writer. One process owns the file while it has it open.
/// </summary>
/// <remarks>
/// On Linux and macOS the file is opened with SQLite's <c>unix-excl</c> VFS: the first connection takes a lock on the file
/// for the whole process, and the WAL index lives in this process's heap, shared by its connections, instead of in a
/// memory-mapped <c>-shm</c> file. A write the disk refuses is then an I/O error the store reports and the loops retry;
/// a memory-mapped index the disk refuses to write killed the process with SIGBUS. The price: no second process (a second
/// host, the sqlite3 shell) may open the database while this one has it, which the one-process mode never wanted anyway.
/// <c>PRAGMA locking_mode=EXCLUSIVE</c> would also keep the index in the heap, but for one connection only, and this class
/// reads on connections of their own beside the writer. On Windows the default VFS stays (no <c>unix-excl</c> there).
/// </remarks>
public sealed class SqliteDatabase : IAsyncDisposable
{
    /// <summary>SQLite's VFS that locks the file for the whole process and keeps the WAL index in the heap (see remarks).</summary>
    private const string ProcessExclusiveVfs = "unix-excl";

    private const int SqliteBusy = 5;

    private readonly string _connectionString;
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentBag<SqliteConnection> _readers = [];
    private readonly SqliteConnection _writer;
    private readonly Task _writerLoop;
    private readonly int _maxUnitsPerCommit;
    private long _commits;
    private long _units;

    /// <summary>Opens (or creates) the database file. <paramref name="maxUnitsPerCommit"/> bounds how many units share one commit.</summary>
    public SqliteDatabase(string path, int maxUnitsPerCommit = 512)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Pooling = false,
            Cache = SqliteCacheMode.Private,
        };
        if (!OperatingSystem.IsWindows()) connection.Vfs = ProcessExclusiveVfs;
        _connectionString = connection.ToString();
        _maxUnitsPerCommit = maxUnitsPerCommit;
        _writer = Open();
        try
        {
            // WAL lets readers run beside the writer; synchronous=FULL makes every commit durable (fsync) before callers hear
            // of it. The first statement takes the process's lock: a few seconds let a predecessor finish exiting.
            Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;", timeoutSeconds: 5);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteBusy)
        {
            _writer.Dispose();
            throw new InvalidOperationException(
                $"The database {Path} is in use by another process: one process owns a data folder. Stop the other one, or give this one its own folder.", e);
        }
        _writerLoop = Task.Factory.StartNew(WriterLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The fault-injection seam: shut unless a test or the fault suite opens it.</summary>
    public StorageFaults Faults { get; } = new(TimeProvider.System);

    /// <summary>Commits so far, and units of work they carried: their ratio is the group-commit factor.</summary>
    public (long Commits, long Units) CommitStats => (Interlocked.Read(ref _commits), Interlocked.Read(ref _units));

    /// <summary>Runs schema DDL once, outside any group (idempotent statements only: CREATE ... IF NOT EXISTS).</summary>
    public Task EnsureSchemaAsync(string ddl) => WriteAsync(scope =>
    {
        using var cmd = scope.Command(ddl);
        cmd.ExecuteNonQuery();
        return true;
    });

    /// <summary>
    /// Runs <paramref name="work"/> inside the shared write transaction, as its own all-or-nothing unit. The task completes
    /// after the commit is durable; if the work throws, only its own changes are rolled back and the exception is rethrown.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<WriteScope, T> work, CancellationToken cancellationToken = default)
    {
        var item = new WorkItem<T>(work, cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
        return item.Completion.Task;
    }

    /// <summary>Runs a read on a pooled connection; it sees the last committed state.</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        try
        {
            Faults.ThrowIfFailing();
            if (!_readers.TryTake(out var connection))
            {
                connection = Open();
                Execute(connection, "PRAGMA busy_timeout=5000;");
            }
            try
            {
                return read(connection);
            }
            finally
            {
                _readers.Add(connection);
            }
        }
        catch (SqliteException e) when (IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }

    // What the disk or the file's lock refuses for now (busy, locked, I/O error, full, read-only, cannot open) is the store being
    // unavailable, as Cosmos DB's 503 is: the port's StoreUnavailableException, which loops retry and the HTTP edge answers 503.
    private static bool IsUnavailable(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 5 or 6 or 8 or 10 or 13 or 14;

    private static StoreUnavailableException Unavailable(SqliteException e) => new($"The embedded store is unavailable: {e.Message}", e);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        _savepoint?.Dispose();
        _release?.Dispose();
        _rollbackTo?.Dispose();
        _writer.Dispose();
        while (_readers.TryTake(out var r)) r.Dispose();
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static void Execute(SqliteConnection c, string sql, int? timeoutSeconds = null)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        if (timeoutSeconds is { } t) cmd.CommandTimeout = t;
        cmd.ExecuteNonQuery();
    }

    private async Task WriterLoop()
    {
        var group = new List<WorkItem>(_maxUnitsPerCommit);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < _maxUnitsPerCommit && reader.TryRead(out var item))
            {
                if (!item.IsCancelled) group.Add(item);
            }
            if (group.Count > 0) CommitGroup(group);
        }
    }

    // The writer's per-unit statements, prepared once: building and parsing a fresh command for each of them cost more than
    // many a unit's own SQL.
    private SqliteCommand? _savepoint, _release, _rollbackTo;

    private SqliteCommand Prepared(ref SqliteCommand? command, string sql, SqliteTransaction tx)
    {
        command ??= _writer.CreateCommand();
        if (command.CommandText != sql) command.CommandText = sql;
        command.Transaction = tx;
        return command;
    }

    private void CommitGroup(List<WorkItem> group)
    {
        var callbacks = new List<Action>();
        // A unit's failure is reported only after the group commits: a unit that failed because of an earlier unit of the
        // same group (a create of an id that unit just wrote) must find that write readable when it looks, as it would in Cosmos DB.
        List<(WorkItem Item, Exception Error)>? failed = null;
        try
        {
            using var tx = _writer.BeginTransaction();
            var scope = new WriteScope(_writer, tx);
            for (var i = 0; i < group.Count; i++)
            {
                Prepared(ref _savepoint, "SAVEPOINT unit", tx).ExecuteNonQuery();
                try
                {
                    group[i].Run(scope);
                    Prepared(ref _release, "RELEASE unit", tx).ExecuteNonQuery();
                    if (scope.TakeCallbacks() is { } c) callbacks.AddRange(c);
                }
                catch (Exception ex)
                {
                    Prepared(ref _rollbackTo, "ROLLBACK TO unit; RELEASE unit", tx).ExecuteNonQuery();
                    scope.TakeCallbacks();
                    (failed ??= []).Add((group[i], ex));
                }
            }
            Faults.ThrowIfFailing(); // as a failing fsync would: the whole group is rolled back
            tx.Commit();
        }
        catch (Exception ex)
        {
            // The commit itself failed (disk full, I/O error): nothing of the group is durable.
            if (failed is not null) foreach (var (item, error) in failed) item.Fail(error);
            var cause = ex is SqliteException sqlite && IsUnavailable(sqlite) ? Unavailable(sqlite) : ex;
            foreach (var item in group) item.Fail(cause);
            return;
        }
        if (failed is not null) foreach (var (item, error) in failed) item.Fail(error);

        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _units, group.Count);
        foreach (var item in group) item.Succeed();
        foreach (var callback in callbacks) callback();
    }


    private abstract class WorkItem
    {
        public abstract bool IsCancelled { get; }
        public abstract void Run(WriteScope scope);
        public abstract void Succeed();
        public abstract void Fail(Exception ex);
    }

    private sealed class WorkItem<T>(Func<WriteScope, T> work, CancellationToken cancellationToken) : WorkItem
    {
        private T? _result;
        private bool _failed;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool IsCancelled
        {
            get
            {
                if (!cancellationToken.IsCancellationRequested) return false;
                Completion.TrySetCanceled(cancellationToken);
                return true;
            }
        }

        public override void Run(WriteScope scope) => _result = work(scope);

        public override void Succeed()
        {
            if (!_failed) Completion.TrySetResult(_result!);
        }

        public override void Fail(Exception ex)
        {
            _failed = true;
            Completion.TrySetException(ex);
        }
    }
}
