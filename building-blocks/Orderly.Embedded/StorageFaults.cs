using Microsoft.Data.Sqlite;

namespace Orderly.Embedded;

/// <summary>
/// The fault-injection seam of the embedded store, for the fault suite: while a window is open, every commit and every read of
/// the database fails as a disk I/O error would (SQLite error 10), and nothing of a failed commit is kept. Shut by default.
/// </summary>
public sealed class StorageFaults(TimeProvider time)
{
    private const int IoError = 10; // SQLITE_IOERR
    private readonly FaultWindow _window = new(time);

    /// <summary>Makes the store fail from now for <paramref name="duration"/>.</summary>
    public void FailFor(TimeSpan duration) => _window.OpenFor(duration);

    /// <summary>Ends the window now.</summary>
    public void Heal() => _window.Shut();

    /// <summary>True while the store is failing on purpose.</summary>
    public bool Failing => _window.IsOpen;

    internal void ThrowIfFailing()
    {
        if (Failing) throw new SqliteException("disk I/O error (injected by StorageFaults)", IoError);
    }
}
