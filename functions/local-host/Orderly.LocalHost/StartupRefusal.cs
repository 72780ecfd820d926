namespace Orderly.LocalHost;

/// <summary>How the host says it cannot start for a reason a person can fix: one line on standard error, exit code 1, no stack trace.</summary>
public static class StartupRefusal
{
    /// <summary>Writes <paramref name="problem"/> (what is wrong and the setting that fixes it) and returns the exit code.</summary>
    public static int Report(string problem)
    {
        Console.Error.WriteLine($"orderly: {problem}");
        return 1;
    }

    /// <summary>What to say when another process holds the address the host was told to listen on.</summary>
    public static string AddressInUse(string url) =>
        $"cannot listen on {url}: the address is in use (another Orderly host?); set ORDERLY_URLS to a free one, e.g. ORDERLY_URLS=http://localhost:7081";
}
