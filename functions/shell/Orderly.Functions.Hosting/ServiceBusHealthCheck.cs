using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Messaging.ServiceBus;

namespace Orderly.Functions.Hosting;

/// <summary>
/// Healthy when the app can reach one entity it consumes: a peek (no lock, no settlement) with the app's own identity,
/// so a missing role or an unreachable namespace shows as unhealthy with the reason.
/// </summary>
public sealed class ServiceBusHealthCheck(ServiceBusSenders senders, string entity) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var receiver = ServiceBusEntity.IsSubscription(entity, out var topic, out var subscription)
                ? senders.Client.CreateReceiver(topic, subscription)
                : senders.Client.CreateReceiver(entity);
            await receiver.PeekMessageAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{senders.Client.FullyQualifiedNamespace}/{entity} answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{entity}: {ex.Message}", ex);
        }
    }
}
