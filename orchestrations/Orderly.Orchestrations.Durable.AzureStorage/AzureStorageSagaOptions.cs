namespace Orderly.Orchestrations.Durable.AzureStorage;

/// <summary>Settings of sagas on the Durable Task Framework's Azure Storage backend (section <c>Sagas:AzureStorage</c> in the local host).</summary>
public sealed class AzureStorageSagaOptions
{
    /// <summary>The storage account; Azurite's well-known development account by default.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>
    /// The task hub: the prefix of every queue, table and blob container the backend writes. One host, one hub: two hosts on
    /// one hub would run each other's sagas.
    /// </summary>
    public string TaskHub { get; set; } = "orderly";

    /// <summary>
    /// This worker's name in the partition table. A restarted worker with the same name takes its partitions back at once
    /// instead of waiting for their leases to expire, so it is stable across restarts of the same host.
    /// </summary>
    public string WorkerId { get; set; } = Environment.MachineName;

    /// <summary>Control queues (partitions); Durable Functions' default, 4.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>The longest an idle worker waits between polls of its queues (it backs off up to this; Durable Functions: 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a message a worker took stays invisible to others: after a crash, how long until its unfinished work is picked
    /// up again (Durable Functions: 5 minutes). Longer than any one orchestration episode or step.
    /// </summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a worker keeps an orchestration's history in memory after an episode, waiting for its next message (extended
    /// sessions); zero turns them off. A checkout's next episode comes within moments (a step's reply), so with a session it
    /// does not read the history table again: the cost benchmark measured this cut (docs/cost.md). Memory is the price.
    /// </summary>
    public TimeSpan ExtendedSessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Refuses settings the backend would reject later or misbehave with, naming the setting.</summary>
    public void Validate(string section)
    {
        // Azure Storage queue and container names: 3–63 lowercase letters, digits and dashes; the hub adds suffixes
        // ("-control-03", "-workitems", "-leases"), so Durable caps the hub at 45 characters and allows letters and digits only.
        if (TaskHub.Length is < 3 or > 45 || !char.IsAsciiLetter(TaskHub[0]) || !TaskHub.All(char.IsAsciiLetterOrDigit))
            throw new InvalidOperationException($"{section}:TaskHub '{TaskHub}' must be 3–45 letters and digits, starting with a letter.");
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new InvalidOperationException($"{section}:ConnectionString is empty.");
        if (string.IsNullOrWhiteSpace(WorkerId))
            throw new InvalidOperationException($"{section}:WorkerId is empty.");
        if (PartitionCount is < 1 or > 16)
            throw new InvalidOperationException($"{section}:PartitionCount {PartitionCount} must be between 1 and 16.");
        if (MaxQueuePollingInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{section}:MaxQueuePollingInterval must be positive.");
        if (ExtendedSessionIdleTimeout < TimeSpan.Zero)
            throw new InvalidOperationException($"{section}:ExtendedSessionIdleTimeout must not be negative (zero turns extended sessions off).");
        if (MessageVisibilityTimeout < TimeSpan.FromSeconds(5))
            throw new InvalidOperationException($"{section}:MessageVisibilityTimeout must be at least 5 seconds (a step must finish within it).");
    }
}
