using System.Text.Json;

namespace Orderly.Orchestrations;

/// <summary>Where a saga instance stands in its runtime (not the business status, which is in the custom status).</summary>
public enum SagaRuntimeStatus
{
    /// <summary>Started but waiting for a slot (the runner bounds how many run at once).</summary>
    Pending,
    Running,
    Completed,
    /// <summary>The saga code threw: a bug or non-determinism, not a business outcome.</summary>
    Failed,
}

/// <summary>What a status query returns about one saga instance.</summary>
public sealed record SagaInstanceStatus(
    string InstanceId,
    string Name,
    SagaRuntimeStatus RuntimeStatus,
    JsonElement? CustomStatus,
    JsonElement? Output,
    string? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt);
