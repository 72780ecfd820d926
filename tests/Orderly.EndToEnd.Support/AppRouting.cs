using System.Text.Json;

namespace Orderly.EndToEnd.Support;

/// <summary>
/// Sends each request to the app that serves its route, for a shop with no single base URL (Azure: every Function App is its
/// own host). The apps' URLs come from <c>ORDERLY_APP_URLS</c> (azd's output: <c>[{"name":"orders","url":"https://…"}, …]</c>),
/// the route prefixes from infra/emulators/app-routes.json, the table the emulator gateway forwards by.
/// </summary>
public sealed class AppRouting : DelegatingHandler
{
    private readonly IReadOnlyList<(string Prefix, Uri App)> _routes;

    public AppRouting(IReadOnlyList<(string Prefix, string App)> table, IReadOnlyDictionary<string, Uri> appUrls, HttpMessageHandler inner)
        : base(inner)
    {
        _routes = table.Select(r => (r.Prefix, appUrls.TryGetValue(r.App, out var url) ? url
            : throw new InvalidOperationException($"ORDERLY_APP_URLS names no URL for the {r.App} app, which serves {r.Prefix}"))).ToList();
    }

    /// <summary>The routing for <paramref name="appUrlsJson"/> (the value of ORDERLY_APP_URLS) over the table beside the tests.</summary>
    public static AppRouting From(string appUrlsJson, HttpMessageHandler inner)
    {
        using var urls = JsonDocument.Parse(appUrlsJson);
        var apps = urls.RootElement.EnumerateArray().ToDictionary(
            a => a.GetProperty("name").GetString()!, a => new Uri(a.GetProperty("url").GetString()!.TrimEnd('/') + "/"), StringComparer.Ordinal);
        using var table = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "app-routes.json")));
        var routes = table.RootElement.GetProperty("routes").EnumerateArray()
            .Select(r => (r.GetProperty("prefix").GetString()!, r.GetProperty("app").GetString()!)).ToList();
        return new AppRouting(routes, apps, inner);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.PathAndQuery;
        var route = _routes.FirstOrDefault(r => path.StartsWith(r.Prefix, StringComparison.Ordinal));
        if (route.App is null) throw new InvalidOperationException($"No app serves {path} (infra/emulators/app-routes.json)");
        request.RequestUri = new Uri(route.App, path.TrimStart('/'));
        return base.SendAsync(request, cancellationToken);
    }
}
