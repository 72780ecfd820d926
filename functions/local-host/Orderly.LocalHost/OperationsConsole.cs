using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;
using Orderly.Hosting.Access;
using Orderly.Operations.Console;

namespace Orderly.LocalHost;

/// <summary>What <c>GET /console/config.json</c> answers: how the page signs in and where it links a trace.</summary>
public sealed record ConsoleConfig(
    string Mode,
    bool DevSignIn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TransactionUrl = null);

/// <summary>
/// The operations console at <c>/</c>: its static files are open to anyone (they hold no data); every figure the page shows
/// comes from the API with an operator's token. Embedded mode signs in through the dev issuer when it is on.
/// </summary>
public static class OperationsConsole
{
    /// <summary>Where the console's own files are (index.html names them relative to <c>/</c>).</summary>
    public const string AssetPrefix = "/console";

    // The page loads only its own files and calls only this host; inline style attributes are the one exception.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplication MapOperationsConsole(this WebApplication app, bool devSignIn)
    {
        var config = new ConsoleConfig("embedded", devSignIn);
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html")).ExcludeFromDescription().RequirePolicy(RoutePolicy.Anyone);
        app.MapGet(AssetPrefix + "/config.json", () => TypedResults.Ok(config)).ExcludeFromDescription().RequirePolicy(RoutePolicy.Anyone);
        app.MapGet(AssetPrefix + "/{**path}", (HttpContext context, string path) => Serve(context, "console/" + path))
            .ExcludeFromDescription().RequirePolicy(RoutePolicy.Anyone);
        return app;
    }

    private static IResult Serve(HttpContext context, string path)
    {
        if (!ConsoleAssets.TryGet(path, out var asset)) return TypedResults.NotFound();
        var headers = context.Response.Headers;
        // Built into this assembly: a new build is a new page, so the browser asks again rather than keep a stale one.
        headers.CacheControl = "no-cache";
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        if (asset.ContentType.StartsWith("text/html", StringComparison.Ordinal)) headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
