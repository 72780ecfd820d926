using System.Diagnostics;
using Orderly.Settings;

namespace Orderly.LocalHost;

/// <summary>
/// Stops the host when the process that started it exits (<c>LocalHost__StopWithParentProcessId</c>), so a test run that is
/// killed does not leave a shop running and holding its port. Unset, the host runs until Ctrl+C as usual.
/// </summary>
internal static class ParentProcessWatch
{
    public static void StopWithParent(IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger logger)
    {
        if (configuration.ReadOptionalInt("LocalHost:StopWithParentProcessId", least: 1) is not { } parentId) return;
        Process parent;
        try
        {
            parent = Process.GetProcessById(parentId);
        }
        catch (ArgumentException)
        {
            logger.LogWarning("Parent process {ParentProcessId} is already gone; stopping", parentId);
            lifetime.StopApplication();
            return;
        }

        _ = StopWhenExitedAsync(parent, parentId, lifetime, logger);
    }

    private static async Task StopWhenExitedAsync(Process parent, int parentId, IHostApplicationLifetime lifetime, ILogger logger)
    {
        using (parent)
        {
            try
            {
                await parent.WaitForExitAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the host is stopping anyway
            }
        }
        logger.LogWarning("Parent process {ParentProcessId} exited; stopping", parentId);
        lifetime.StopApplication();
    }
}
