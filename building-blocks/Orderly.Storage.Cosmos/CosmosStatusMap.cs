using System.Globalization;
using System.Net;

namespace Orderly.Storage.Cosmos;

/// <summary>The one place where a Cosmos DB status code becomes one of the port's exceptions.</summary>
public static class CosmosStatusMap
{
    /// <summary>
    /// 404 not found, 409 conflict, 412 stale ETag, 429 throttled (with its retry-after), 408/449/503 and other 5xx
    /// transient; anything else (400 bad id or body, 401/403 missing role, 413 too large) is a defect, not a store state.
    /// </summary>
    public static Exception ToException(HttpStatusCode status, string what, int? writeIndex = null, TimeSpan? retryAfter = null, Exception? inner = null)
    {
        var code = (int)status;
        var message = $"Cosmos DB answered {code} ({status}) to {what}.";
        return code switch
        {
            404 => new DocumentNotFoundException(message, writeIndex, inner),
            409 => new DocumentConflictException(message, writeIndex, inner),
            412 => new ConcurrencyException(message, writeIndex, inner),
            429 => new StoreThrottledException(message, retryAfter, inner),
            408 or 449 or 503 or >= 500 => new StoreUnavailableException(message, inner),
            _ => new InvalidOperationException(message, inner),
        };
    }

    /// <summary>The retry-after a 429 response carries (header <c>x-ms-retry-after-ms</c>).</summary>
    public static TimeSpan? RetryAfter(Microsoft.Azure.Cosmos.Headers headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.TryGetValue("x-ms-retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? TimeSpan.FromMilliseconds(value)
            : null;
    }

    /// <summary>
    /// The failing operation of a failed transactional batch: the one whose status is not 424 (failed dependency),
    /// which every other operation of a failed batch carries. -1 when the batch failed as a whole.
    /// </summary>
    public static int FailingOperation(IReadOnlyList<HttpStatusCode> operationStatuses)
    {
        ArgumentNullException.ThrowIfNull(operationStatuses);
        for (var i = 0; i < operationStatuses.Count; i++)
        {
            var code = (int)operationStatuses[i];
            if (code >= 300 && code != 424) return i;
        }
        return -1;
    }
}
