namespace Orderly.Demo;

/// <summary>One way a checkout can go: the order that provokes it, the outcome it must have, and why.</summary>
public sealed record Scenario(
    string Key,
    string Title,
    string Sku,
    int Quantity,
    string PaymentToken,
    string Country,
    string ExpectedStatus,
    string? ExpectedReason,
    string Why)
{
    /// <summary>Said before waiting, when the wait is long enough to need a reason.</summary>
    public string? WaitNote { get; init; }

    public string Expected => ExpectedReason is null ? ExpectedStatus : $"{ExpectedStatus} {ExpectedReason}";
}
