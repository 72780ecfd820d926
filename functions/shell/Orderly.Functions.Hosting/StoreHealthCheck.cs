using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Storage;

namespace Orderly.Functions.Hosting;

/// <summary>Healthy when the context's container answers a point read (a missing document is a fine answer); unhealthy with the reason otherwise.</summary>
public sealed class StoreHealthCheck(IServiceProvider services, string contextName) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var store = services.GetRequiredKeyedService<IDocumentStore>(contextName);
        try
        {
            await store.ReadAsync("health", "health", cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"container {store.Container} answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"container {store.Container}: {ex.Message}", ex);
        }
    }
}
