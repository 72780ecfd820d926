using System.Diagnostics;

namespace Orderly.LocalHost;

/// <summary>
/// The process's memory as the garbage collector and the OS see it, and the database file's size, for <c>/api/admin/stats</c>:
/// the memory benchmark samples them over a long run to see whether anything grows with the orders. The JIT and CPU
/// figures only grow: the load benchmark differences them over a run to show how much of it was a cold start's compiling.
/// </summary>
public sealed record RuntimeFigures(
    long WorkingSetBytes,
    long GcHeapAfterLastGcBytes,
    long? GcHeapAfterLastGen2Bytes,
    int Gen0Collections,
    int Gen2Collections,
    int Threads,
    long DatabaseBytes,
    long WalBytes,
    long JitCompiledMethods,
    double JitMilliseconds,
    double CpuMilliseconds)
{
    /// <summary>Reads the figures now; <paramref name="databasePath"/> is the SQLite file (its WAL beside it).</summary>
    public static RuntimeFigures Read(string databasePath)
    {
        using var process = Process.GetCurrentProcess();
        return new RuntimeFigures(
            process.WorkingSet64,
            HeapAfter(GC.GetGCMemoryInfo(GCKind.Any)),
            LastGen2() is { } gen2 ? HeapAfter(gen2) : null,
            GC.CollectionCount(0),
            GC.CollectionCount(2),
            process.Threads.Count,
            SizeOf(databasePath),
            SizeOf(databasePath + "-wal"),
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            Math.Round(System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds, 1),
            Math.Round(process.TotalProcessorTime.TotalMilliseconds, 1));
    }

    // A gen2 collection is background (concurrent) or blocking; whichever ran last tells what survives a full collection.
    private static GCMemoryInfo? LastGen2()
    {
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var last = background.Index >= blocking.Index ? background : blocking;
        return last.Index == 0 ? null : last;
    }

    // What the collection left: the sum over the generations (and the large and pinned object heaps) after it.
    private static long HeapAfter(GCMemoryInfo info)
    {
        long bytes = 0;
        foreach (var generation in info.GenerationInfo) bytes += generation.SizeAfterBytes;
        return bytes;
    }

    private static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
