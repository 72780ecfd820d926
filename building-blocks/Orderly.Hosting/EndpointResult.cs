using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Orderly.Hosting;

/// <summary>
/// Runs a minimal-API <see cref="IResult"/> where an <see cref="IActionResult"/> is expected: the Functions ASP.NET Core
/// integration executes only IActionResult (FunctionsHttpProxyingMiddleware), while the contexts' endpoints return IResult.
/// </summary>
public sealed class EndpointResult(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context) => Result.ExecuteAsync(context.HttpContext);
}

/// <summary>Turns an endpoint's result into what a Function returns.</summary>
public static class EndpointResultExtensions
{
    public static async Task<IActionResult> AsActionResult<TResult>(this Task<TResult> result) where TResult : IResult =>
        new EndpointResult(await result.ConfigureAwait(false));

    public static IActionResult AsActionResult(this IResult result) => new EndpointResult(result);
}
