using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// What the local host holds of the machine once started: no file watches. By default an ASP.NET Core host watches its
/// working folder and every folder under it for configuration files; started from a repository's root that is one inotify
/// watch per folder (and start-up time to set them), of a per-user limit shared by every host the tests start side by side.
/// </summary>
public sealed class StartupFootprintTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orderly-footprint-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task The_started_host_watches_no_files()
    {
        if (ShopHost.IsExternal || !OperatingSystem.IsLinux())
        {
            output.WriteLine("SKIPPED: needs a host of its own on Linux (/proc shows its inotify watches).");
            return;
        }
        using var host = LocalHostProcess.Start(Path.Combine(_folder, "data"), LocalHostProcess.FreePort(), new Dictionary<string, string>());
        await host.WaitUntilHealthyAsync();

        Assert.Equal(0, InotifyWatches(host.ProcessId));
    }

    /// <summary>The inotify watches a process holds: one "inotify wd:" line per watch in the fdinfo of its inotify descriptors.</summary>
    private static int InotifyWatches(int pid) =>
        Directory.EnumerateFiles($"/proc/{pid}/fdinfo").Sum(info =>
        {
            try
            {
                return File.ReadLines(info).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return 0; // the descriptor closed meanwhile
            }
        });
}
