using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Orderly.Functions.Http;

/// <summary>
/// Lets an HTTP function's exception be answered by the same <see cref="IExceptionHandler"/>s the local host's
/// <c>UseExceptionHandler</c> runs (OrderlyDefaults.AddOrderlyHttpDefaults: a store that is unavailable or throttling is a 503
/// with Retry-After). A function's exception never reaches the ASP.NET Core pipeline in a Function App: it fails the worker's
/// invocation, which the host answers with a bare 500. An exception no handler takes still does.
/// </summary>
public sealed class ExceptionAnswerMiddleware(IEnumerable<IExceptionHandler> handlers) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (context.GetHttpContext() is { Response.HasStarted: false } http)
        {
            if (!await TryAnswerAsync(http, exception, context.CancellationToken).ConfigureAwait(false)) throw;
        }
    }

    /// <summary>Writes the answer of the first handler that takes <paramref name="exception"/>; false when none does.</summary>
    public async Task<bool> TryAnswerAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        foreach (var handler in handlers)
            if (await handler.TryHandleAsync(http, exception, cancellationToken).ConfigureAwait(false)) return true;
        return false;
    }
}
