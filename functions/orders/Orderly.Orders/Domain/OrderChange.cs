namespace Orderly.Orders.Domain;

/// <summary>What a business act did to an order: changed it, or found it already in that state (an idempotent repeat).</summary>
public enum OrderChange
{
    Changed,
    AlreadyDone,
}
