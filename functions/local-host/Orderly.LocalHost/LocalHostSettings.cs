using Orderly.Settings;

namespace Orderly.LocalHost;

/// <summary>Where the local host listens and keeps its data, from the environment first (12-factor).</summary>
public static class LocalHostSettings
{
    /// <summary>Where a newcomer finds the shop when nothing says otherwise (the port <c>func start</c> uses).</summary>
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>The data folder when neither <c>Orderly:DataPath</c> nor <c>ORDERLY_DATA_PATH</c> is set.</summary>
    public const string DefaultDataPath = ".orderly-data";

    /// <summary>
    /// Listens on <c>ORDERLY_URLS</c> when set, else on what <c>ASPNETCORE_URLS</c> / <c>--urls</c> say, else on
    /// <see cref="DefaultUrl"/>. Returns the full path of the data folder.
    /// </summary>
    public static string Apply(WebApplicationBuilder builder)
    {
        var orderlyUrls = builder.Configuration["ORDERLY_URLS"];
        if (!string.IsNullOrWhiteSpace(orderlyUrls)) builder.WebHost.UseUrls(Split(orderlyUrls));
        else if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]) && string.IsNullOrWhiteSpace(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);

        var dataPath = builder.Configuration["Orderly:DataPath"] ?? builder.Configuration["ORDERLY_DATA_PATH"] ?? DefaultDataPath;
        return Path.GetFullPath(dataPath);
    }

    /// <summary>The command-line switch that empties the data folder before the host starts on it.</summary>
    public const string ResetArgument = "--reset";

    /// <summary>
    /// Put first on the command line the host builder reads: configuration files are not watched for changes (a later
    /// <c>--hostBuilder:reloadConfigOnChange=true</c> turns watching back on).
    /// </summary>
    public const string NoConfigurationReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>The addresses the host will listen on, as one line for messages.</summary>
    public static string ListenUrls(IConfiguration configuration) =>
        configuration["ORDERLY_URLS"] ?? configuration["urls"] ?? DefaultUrl;

    /// <summary>
    /// The first listen address another process already holds, or null. Checked before anything starts, so a busy port is one
    /// clear line instead of a host that half started (Kestrel binds last, after the consumers and relays are running).
    /// </summary>
    public static string? FirstBusyAddress(IConfiguration configuration)
    {
        foreach (var url in Split(ListenUrls(configuration)))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal),
                    UriKind.Absolute, out var uri)) continue;
            var address = uri.IsLoopback ? System.Net.IPAddress.Loopback
                : System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip : null;
            if (address is null) continue; // a host name: Kestrel resolves it, and reports a failure itself
            var listener = new System.Net.Sockets.TcpListener(address, uri.Port);
            try
            {
                listener.Start();
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                return url;
            }
            finally
            {
                listener.Stop();
            }
        }
        return null;
    }

    /// <summary>
    /// Whether <c>POST /api/dev/token</c> is served: by default only when every address the host listens on is loopback, since
    /// anyone who reaches it can mint an operator's token; <c>LocalHost__DevTokens=true</c> forces it on (with a warning at start),
    /// <c>false</c> off.
    /// </summary>
    public static bool DevTokensEnabled(IConfiguration configuration, out bool forcedOffLoopback)
    {
        var urls = Split(ListenUrls(configuration));
        var loopbackOnly = string.IsNullOrWhiteSpace(configuration["http_ports"]) && urls.All(IsLoopback);
        var setting = configuration.ReadOptionalBool("LocalHost:DevTokens");
        forcedOffLoopback = setting == true && !loopbackOnly;
        return setting ?? loopbackOnly;
    }

    /// <summary>Whether a listen URL binds only this machine (<c>localhost</c>, 127.x, <c>[::1]</c>); <c>*</c>, <c>+</c> and 0.0.0.0 do not.</summary>
    public static bool IsLoopback(string url)
    {
        var host = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var end = host.StartsWith('[') ? host.IndexOf(']', StringComparison.Ordinal) + 1 : host.IndexOf(':', StringComparison.Ordinal);
        host = end > 0 ? host[..end] : host.TrimEnd('/');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address);
    }

    /// <summary>
    /// Whether <c>POST /api/admin/faults</c> is served (the fault suite's seams: store, broker, payment provider, malformed
    /// messages): only when <c>LocalHost__FaultInjection=true</c>; off by default.
    /// </summary>
    public static bool FaultInjectionEnabled(IConfiguration configuration) => configuration.ReadBool("LocalHost:FaultInjection", false);

    private static string[] Split(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
