using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Operations.Console;

namespace Orderly.Operations;

/// <summary>The console's own routes: its files, as embedded (<see cref="ConsoleAssets"/>), and its settings.</summary>
public static class ConsoleEndpoints
{
    /// <summary>
    /// The file at <paramref name="path"/> (<c>/</c> or empty: the page) with the headers both hosts serve it with (its content
    /// security policy among them); 404 problem+json for anything else.
    /// </summary>
    public static Results<ConsoleFile, ProblemHttpResult> File(string? path)
    {
        if (!ConsoleAssets.TryGet(path, out var asset))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: $"There is no console file '{path}'.");
        }
        return new ConsoleFile(asset);
    }

    /// <summary>The console's settings in this host.</summary>
    public static Ok<ConsoleConfig> Config(ConsoleConfig config) => TypedResults.Ok(config);
}

/// <summary>One console file as an answer: its bytes, its type and <see cref="ConsoleAsset.Headers"/>.</summary>
public sealed class ConsoleFile(ConsoleAsset asset) : IResult
{
    /// <summary>The file served.</summary>
    public ConsoleAsset Asset => asset;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        foreach (var (name, value) in asset.Headers) httpContext.Response.Headers[name] = value;
        return TypedResults.Bytes(asset.Content, asset.ContentType).ExecuteAsync(httpContext);
    }
}
