using System.Diagnostics;
using System.Globalization;

namespace Orderly.Benchmarks.Cost;

/// <summary>Stops a child process as Ctrl+C or a service manager would (SIGTERM), so it shuts down cleanly; killed after a grace period.</summary>
public static class GracefulStop
{
    public static async Task TerminateAsync(Process process, TimeSpan grace)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
        }
        else
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (kill is not null) await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
