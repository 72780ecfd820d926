using System.Text.Json;

namespace Orderly.LocalHost;

/// <summary>
/// The local host's data folder, held by one host at a time: a second host on the same folder would run a second set of
/// consumers and a second saga runner over the same database, so it is refused at start, naming the host that holds it.
/// </summary>
public sealed class DataFolder : IDisposable
{
    private const string LockFile = "orderly.lock";
    private const string HolderFile = "orderly.lock.json";

    private readonly FileStream _lock;

    private DataFolder(string path, FileStream heldLock)
    {
        Path = path;
        _lock = heldLock;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates the folder if needed and takes its lock for this process, or throws <see cref="StartupRefusedException"/> naming
    /// the host that holds it. With <paramref name="reset"/>, everything in it is deleted first (after the lock is taken, so a
    /// running host's data is never deleted under it).
    /// </summary>
    public static DataFolder Hold(string path, string listeningOn, bool reset)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new StartupRefusedException($"cannot create the data folder {path} ({ex.Message}); set ORDERLY_DATA_PATH to a folder you may write");
        }

        FileStream heldLock;
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix and a share lock on Windows; the OS drops it when the
            // process dies, so a kill -9 never leaves the folder locked.
            heldLock = new FileStream(System.IO.Path.Combine(path, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StartupRefusedException($"cannot write in the data folder {path} ({ex.Message}); set ORDERLY_DATA_PATH to a folder you may write");
        }
        catch (IOException)
        {
            throw new StartupRefusedException($"the data folder {path} is in use by {Holder(path)}; stop that host, or give this one its own folder with ORDERLY_DATA_PATH");
        }

        var folder = new DataFolder(path, heldLock);
        if (reset) folder.DeleteContents();
        File.WriteAllText(System.IO.Path.Combine(path, HolderFile),
            JsonSerializer.Serialize(new LockHolder(Environment.ProcessId, listeningOn, DateTimeOffset.UtcNow)));
        return folder;
    }

    private void DeleteContents()
    {
        foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos())
        {
            if (entry.Name == LockFile) continue;
            if (entry is DirectoryInfo dir) dir.Delete(recursive: true);
            else entry.Delete();
        }
    }

    private static string Holder(string path)
    {
        try
        {
            var holder = JsonSerializer.Deserialize<LockHolder>(File.ReadAllText(System.IO.Path.Combine(path, HolderFile)));
            if (holder is not null) return $"the local host with process id {holder.ProcessId}, listening on {holder.ListeningOn} since {holder.Since:u}";
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            // Fall through: the lock is held even if its note cannot be read.
        }
        return "another local host";
    }

    public void Dispose() => _lock.Dispose();

    private sealed record LockHolder(int ProcessId, string ListeningOn, DateTimeOffset Since);
}

/// <summary>The host cannot start for a reason a person can fix: the message says what and which setting fixes it.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
