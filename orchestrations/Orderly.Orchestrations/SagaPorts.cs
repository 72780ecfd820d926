namespace Orderly.Orchestrations;

/// <summary>Starts sagas. Implemented by the embedded runner and, in Azure, over the Durable Task client.</summary>
public interface ISagaStarter
{
    /// <summary>Starts saga <paramref name="name"/> as <paramref name="instanceId"/> unless that instance exists; returns false for a duplicate (a no-op).</summary>
    Task<bool> StartIfNotExistsAsync(string name, string instanceId, object input, CancellationToken cancellationToken = default);
}

/// <summary>Delivers external events (replies) to saga instances.</summary>
public interface ISagaEventRaiser
{
    /// <summary>Raises <paramref name="eventName"/> on <paramref name="instanceId"/>; kept until the saga waits for it.</summary>
    Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default);
}

/// <summary>Reads a saga instance's status.</summary>
public interface ISagaStatusReader
{
    /// <summary>The instance's status, or null when there is no such instance.</summary>
    Task<SagaInstanceStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default);
}
