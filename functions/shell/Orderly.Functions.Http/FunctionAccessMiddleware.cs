using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Orderly.Hosting;
using Orderly.Hosting.Access;

namespace Orderly.Functions.Http;

/// <summary>
/// The access gate in a Function App: before an HTTP-triggered function runs, its row of the route table (by function name)
/// is looked up and the same <see cref="AccessGate"/> the local host runs admits or refuses the call. A refusal becomes the
/// invocation's result, which the ASP.NET Core integration writes (FunctionsHttpProxyingMiddleware runs an IActionResult).
/// </summary>
public sealed partial class FunctionAccessMiddleware(FunctionRoutes routes, AccessGate gate, ILogger<FunctionAccessMiddleware> logger)
    : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context).ConfigureAwait(false); // a Service Bus, change-feed or Durable trigger: not ours to gate
            return;
        }
        IResult? refusal;
        if (routes.Find(context.FunctionDefinition.Name) is not { } route)
        {
            // Fail closed: an HTTP function without a row is nobody's. The route-policy test makes this unreachable.
            LogUndeclared(logger, context.FunctionDefinition.Name);
            refusal = TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This route declares no access policy.");
        }
        else
        {
            refusal = await gate.AdmitAsync(http, route.Policy).ConfigureAwait(false);
        }
        if (refusal is not null)
        {
            context.GetInvocationResult().Value = refusal.AsActionResult();
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "HTTP function {Function} has no row in the route table; refused")]
    private static partial void LogUndeclared(ILogger logger, string function);
}
