using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orderly.Operations;

/// <summary><c>GET /api/admin/queue-depths</c>: the console's depths in Azure, from Azure Monitor (<see cref="ServiceBusMetrics"/>).</summary>
public static class QueueDepthEndpoints
{
    /// <summary>
    /// The depths now; 404 problem naming the setting when no namespace is configured, 502 problem with Azure Monitor's own reason
    /// when it refuses (403: the identity lacks Monitoring Reader on the namespace) or fails, 504 when it does not answer in time.
    /// </summary>
    public static async Task<Results<Ok<QueueDepths>, ProblemHttpResult>> Read(ServiceBusMetrics? metrics, CancellationToken cancellationToken)
    {
        if (metrics is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
                detail: "Queue depths come from Azure Monitor: set Operations__ServiceBusNamespaceId to the Service Bus namespace's resource id.");
        }
        try
        {
            return TypedResults.Ok(await metrics.ReadAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (MetricsUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Bad Gateway", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["upstreamStatus"] = e.Status });
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "Gateway Timeout",
                detail: "Azure Monitor did not answer in time.");
        }
    }
}
