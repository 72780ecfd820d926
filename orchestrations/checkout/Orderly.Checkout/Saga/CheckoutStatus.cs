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

    /// <summary>
    /// Each ask of the step, in order (absent from statuses published before attempts were recorded). A retry storm's log is
    /// trimmed to fit Durable's status limit (<see cref="StatusBudget"/>): <see cref="Attempts"/> counts every ask, the numbers show which are missing.
    /// </summary>
    public List<AttemptRecord> AttemptLog { get; init; } = [];
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

    /// <summary>
    /// Each try of the compensation, in order (absent from statuses published before attempts were recorded). Trimmed like a
    /// step's (<see cref="StatusBudget"/>): <see cref="Attempts"/> counts every try, the numbers show which are missing.
    /// </summary>
    public List<AttemptRecord> AttemptLog { get; init; } = [];
}

/// <summary>
/// One ask of a step or compensation: the command sent, when (saga time, so a replay writes the same record) and what came
/// back. The runtime's own send retries happen inside one attempt; a saga's re-ask or retry is a new attempt.
/// </summary>
public sealed class AttemptRecord
{
    public const string Running = "Running";
    public const string Replied = "Replied";
    public const string TimedOut = "TimedOut";
    public const string Failed = "Failed";

    /// <summary>1 for the first ask, counting up.</summary>
    public required int Number { get; init; }

    /// <summary>The command's message id (the reply's causation id).</summary>
    public required string MessageId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Milliseconds from the send to the reply or the give-up, in saga time.</summary>
    public double? DurationMs { get; set; }

    /// <summary>Running, Replied (a reply that matched what was asked), TimedOut or Failed.</summary>
    public string Outcome { get; set; } = Running;

    /// <summary>The reply's message type (e.g. <c>PaymentDeclined</c>) when one came, matching or not.</summary>
    public string? Reply { get; set; }

    /// <summary>Why the attempt failed (the timeout, the send error, the mismatch); absent when a matching reply came.</summary>
    public string? Reason { get; set; }

    /// <summary>The W3C trace id the command and its reply travelled under: the key to their log lines and spans.</summary>
    public string? TraceId { get; set; }
}
