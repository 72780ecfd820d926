using System.Text.Json.Serialization;
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
        foreach (var (name, value) in asset.Headers) context.Response.Headers[name] = value;
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
