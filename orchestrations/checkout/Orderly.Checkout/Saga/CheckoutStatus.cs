namespace Orderly.Checkout.Saga;

/// <summary>The business status of a checkout, as <c>GET /api/checkout/{orderId}</c> shows it (the saga's custom status).</summary>
public sealed class CheckoutStatus
{
    public const string Running = "Running";
    public const string Completed = "Completed";
    public const string Compensated = "Compensated";
    public const string Failed = "Failed";

    public required string OrderId { get; init; }

    /// <summary>Whose order it is: the status route shows it to that customer and to operators only.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Running, Completed, Compensated or Failed (needs attention).</summary>
    public string Status { get; set; } = Running;

    public string? CurrentStep { get; set; }

    public List<StepRecord> Steps { get; init; } = [];

    /// <summary>Compensations in the order they ran (newest step first).</summary>
    public List<CompensationRecord> Compensations { get; init; } = [];

    public string? CancellationReason { get; set; }

    /// <summary>The compensations (or final steps) that still failed after their retries, when the saga is Failed.</summary>
    public List<string>? NeedsAttention { get; set; }
}

/// <summary>One forward step: a command and its reply.</summary>
public sealed class StepRecord
{
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Rejected = "Rejected";
    public const string TimedOut = "TimedOut";
    public const string Failed = "Failed";

    public required string Name { get; init; }
    public string Status { get; set; } = Running;
    public int Attempts { get; set; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Detail { get; set; }
}

/// <summary>One compensation: registered after its step, with what the step returned (e.g. the payment id).</summary>
public sealed class CompensationRecord
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    public required string Name { get; init; }

    /// <summary>The step it undoes.</summary>
    public required string ForStep { get; init; }

    /// <summary>What the step returned that the undo concerns (the payment id, the shipment id), when there is one.</summary>
    public string? Reference { get; init; }

    public string Status { get; set; } = Pending;
    public int Attempts { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Detail { get; set; }
}
