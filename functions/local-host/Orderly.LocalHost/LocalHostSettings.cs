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
        if (!string.IsNullOrWhiteSpace(orderlyUrls)) builder.WebHost.UseUrls(orderlyUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        else if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]) && string.IsNullOrWhiteSpace(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);

        var dataPath = builder.Configuration["Orderly:DataPath"] ?? builder.Configuration["ORDERLY_DATA_PATH"] ?? DefaultDataPath;
        return Path.GetFullPath(dataPath);
    }
}
