using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Orderly.EndToEnd.Support;

/// <summary>
/// How the suites start the built local host (<c>dotnet Orderly.LocalHost.dll</c>): the one command line and environment that
/// <see cref="ShopHost"/> and <see cref="LocalHostProcess"/> both start it with.
/// </summary>
public static class LocalHostCommand
{
    /// <summary>The built local host (this project builds it; the path is stamped into this assembly).</summary>
    public static string Dll => typeof(LocalHostCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LocalHostDll").Value!;

    /// <summary>
    /// A host on <paramref name="url"/> over <paramref name="dataPath"/>, its output redirected, quiet below warnings, stopped
    /// when this process exits (a killed test run leaves no shop running); <paramref name="environment"/> is applied last.
    /// </summary>
    public static ProcessStartInfo StartInfo(string dataPath, string url, IReadOnlyDictionary<string, string> environment, IEnumerable<string>? arguments = null)
    {
        var dll = Dll;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments ?? []) start.ArgumentList.Add(argument);
        start.Environment["ORDERLY_URLS"] = url;
        start.Environment["ORDERLY_DATA_PATH"] = dataPath;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["LocalHost__StopWithParentProcessId"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    /// <summary>A loopback port free at the time of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
