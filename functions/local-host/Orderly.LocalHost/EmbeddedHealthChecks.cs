using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Embedded.Store;
using Orderly.Orchestrations.Durable.AzureStorage;
using Orderly.Orchestrations.Embedded;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.LocalHost;

/// <summary>The store answers a point read in every context's container.</summary>
public sealed class StoreHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var database = services.GetRequiredService<SqliteDatabase>();
        foreach (var container in ShopContexts.Containers)
        {
            var store = services.GetRequiredKeyedService<IDocumentStore>(container);
            await store.ReadAsync("health", "health", cancellationToken);
        }
        var (commits, units) = database.CommitStats;
        return HealthCheckResult.Healthy($"SQLite {database.Path}", new Dictionary<string, object>
        {
            ["containers"] = ShopContexts.Containers,
            ["commits"] = commits,
            ["unitsOfWork"] = units,
        });
    }
}

/// <summary>The broker answers, and says how many messages wait on each queue and subscription.</summary>
public sealed class BrokerHealthCheck(EmbeddedBroker broker, MessageConsumers consumers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = broker.Topology.ReceiveEntities.ToDictionary(e => e, e => (object)broker.ActiveMessageCount(e));
        waiting["consumersRunning"] = consumers.Running;
        return Task.FromResult(consumers.Running
            ? HealthCheckResult.Healthy($"{consumers.Entities.Count} consumers", waiting)
            : HealthCheckResult.Unhealthy("consumers are not running", data: waiting));
    }
}

/// <summary>
/// The outbox relays keep up: per container, how many outbox records wait and how old the oldest is, and how many records
/// are parked awaiting triage. Degraded when a record has waited a minute (the relay is failing to publish, and the logs say
/// why), or while any record is parked: a message the system meant to send has not gone, and only an operator can decide.
/// </summary>
public sealed class RelayHealthCheck(SqliteDatabase database, TimeProvider time, IServiceProvider services) : IHealthCheck
{
    private static readonly TimeSpan Lagging = TimeSpan.FromMinutes(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        var worst = TimeSpan.Zero;
        var parkedInAll = 0;
        foreach (var container in ShopContexts.Containers)
        {
            var pending = await new EmbeddedOutboxFeed(database, container, time).ReadPendingAsync(1000, cancellationToken);
            var lag = pending.Count == 0 ? TimeSpan.Zero : time.GetUtcNow() - pending.Min(p => p.Record.CreatedAt);
            if (lag > worst) worst = lag;
            var parked = await services.GetRequiredKeyedService<ParkedOutbox>(container).CountAwaitingTriageAsync(cancellationToken);
            parkedInAll += parked;
            data[container] = new { pending = pending.Count, lagMs = (long)lag.TotalMilliseconds, parked };
        }
        data["maxLagMs"] = (long)worst.TotalMilliseconds;
        data["parked"] = parkedInAll;
        if (parkedInAll > 0)
        {
            return HealthCheckResult.Degraded(
                $"{parkedInAll} outbox record(s) parked after failing to publish; see /api/admin/dead-letters?status=Pending", data: data);
        }
        return worst < Lagging
            ? HealthCheckResult.Healthy("outbox relays keep up", data)
            : HealthCheckResult.Degraded($"an outbox record has waited {worst.TotalSeconds:F0}s to be published", data: data);
    }
}

/// <summary>
/// The saga engine is started: the embedded runner (with how many sagas ran at once at most), or the Durable Task worker with
/// its task hub answering a read.
/// </summary>
public sealed class SagaEngineHealthCheck(IServiceProvider services, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<TaskHubSagaWorker>() is { } worker)
        {
            var data = new Dictionary<string, object> { ["engine"] = SagaEngine.AzureStorage, ["taskHub"] = worker.TaskHub };
            if (!worker.IsRunning) return HealthCheckResult.Unhealthy("the Durable Task worker is not running", data: data);
            try
            {
                await worker.ProbeAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"task hub {worker.TaskHub} cannot be read: {ex.Message}", data: data);
            }
            return HealthCheckResult.Healthy($"Durable Task on Azure Storage, task hub {worker.TaskHub}", data);
        }
        var runner = services.GetRequiredService<EmbeddedSagaRunner>();
        var embedded = new Dictionary<string, object> { ["engine"] = SagaEngine.Embedded, ["maxObservedConcurrency"] = runner.MaxObservedConcurrency };
        return lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("stopping", data: embedded)
            : HealthCheckResult.Healthy("embedded saga runner", embedded);
    }
}
