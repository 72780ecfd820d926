using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Operations.Console;

namespace Orderly.Operations;

/// <summary>The console's own routes: its files, as embedded (<see cref="ConsoleAssets"/>), and its settings.</summary>
public static class ConsoleEndpoints
{
    /// <summary>The file at <paramref name="path"/> (<c>/</c> or empty: the page); 404 problem+json for anything else.</summary>
    public static Results<FileContentHttpResult, ProblemHttpResult> File(string? path)
    {
        if (!ConsoleAssets.TryGet(path, out var asset))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: $"There is no console file '{path}'.");
        }
        return TypedResults.File(asset.Content, asset.ContentType);
    }

    /// <summary>The console's settings in this host.</summary>
    public static Ok<ConsoleConfig> Config(ConsoleConfig config) => TypedResults.Ok(config);
}
