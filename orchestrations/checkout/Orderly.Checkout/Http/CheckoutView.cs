using Orderly.Checkout.Saga;

namespace Orderly.Checkout.Http;

/// <summary>
/// What <c>GET /api/checkout/{orderId}</c> answers, for the OpenAPI document: the saga's <see cref="CheckoutStatus"/> as it last
/// published it (the endpoint sends that JSON as it is), or the bare shape of a saga that has published none yet, and the
/// runtime's failure when its code crashed. The end-to-end suite checks every answer it gets against this shape.
/// </summary>
public sealed class CheckoutView
{
    public required string OrderId { get; init; }

    /// <summary>Absent until the saga has published its first status.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Running, Completed, Compensated or Failed (needs attention).</summary>
    public required string Status { get; init; }

    public required string? CurrentStep { get; init; }

    public required IReadOnlyList<StepRecord> Steps { get; init; }

    /// <summary>Compensations in the order they ran (newest step first).</summary>
    public required IReadOnlyList<CompensationRecord> Compensations { get; init; }

    public string? CancellationReason { get; init; }

    /// <summary>The compensations (or final steps) that still failed after their retries, when the saga is Failed.</summary>
    public IReadOnlyList<string>? NeedsAttention { get; init; }

    /// <summary>Why the saga's code crashed (status Failed); absent otherwise.</summary>
    public string? Failure { get; init; }
}
