using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Orderly.Storage;

namespace Orderly.Hosting.Http;

/// <summary>
/// A request that meets the store unavailable or throttling (a disk refusing writes, Cosmos DB's 503 or 429) is answered 503
/// problem+json with <c>Retry-After</c>, not 500: nothing is wrong with the request, and the same request will do later.
/// </summary>
public sealed class StoreUnavailableAnswer(IProblemDetailsService problems, ILogger<StoreUnavailableAnswer> logger) : IExceptionHandler
{
    /// <summary>How long a caller is told to wait when the store names no time itself.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        TimeSpan? hint = exception switch
        {
            StoreThrottledException throttled => throttled.RetryAfter ?? DefaultRetryAfter,
            StoreUnavailableException => DefaultRetryAfter,
            _ => null,
        };
        if (hint is not { } retryAfter) return false;

        logger.LogWarning("{Method} {Path} answered 503: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The shop's store is unavailable for a moment.",
                Detail = "Nothing was changed by this request; send the same request again after Retry-After seconds.",
            },
        }).ConfigureAwait(false);
    }
}
