using Orderly.Hosting.Access;
using Orderly.Operations;

namespace Orderly.LocalHost;

/// <summary>
/// The operations console at <c>/</c>, served by the same handlers as the operations Function App's (<see cref="ConsoleEndpoints"/>):
/// its static files are open to anyone (they hold no data); every figure the page shows comes from the API with an operator's
/// token. Embedded mode signs in through the dev issuer when it is on.
/// </summary>
public static class OperationsConsole
{
    /// <summary>Where the console's own files are (index.html names them relative to <c>/</c>).</summary>
    public const string AssetPrefix = "/console";

    public static WebApplication MapOperationsConsole(this WebApplication app, bool devSignIn)
    {
        var config = ConsoleConfig.ForEmbedded(devSignIn);
        app.MapGet("/", () => ConsoleEndpoints.File("/")).ExcludeFromDescription().RequirePolicy(RoutePolicy.Anyone);
        app.MapGet(AssetPrefix + "/config.json", () => ConsoleEndpoints.Config(config)).ExcludeFromDescription().RequirePolicy(RoutePolicy.Anyone);
        app.MapGet(AssetPrefix + "/{**path}", (string path) => ConsoleEndpoints.File("console/" + path))
            .ExcludeFromDescription().RequirePolicy(RoutePolicy.Anyone);
        return app;
    }
}
