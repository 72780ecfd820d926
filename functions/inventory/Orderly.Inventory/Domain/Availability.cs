namespace Orderly.Inventory.Domain;

/// <summary>
/// The availability read model of one sku, fed by StockLevelChanged events: eventually consistent, and as of <see cref="AsOf"/>.
/// </summary>
public sealed record Availability(string Sku, int OnHand, int Reserved, int Available, DateTimeOffset AsOf)
{
    /// <summary>The document kind and id in the sku's partition.</summary>
    public const string Kind = "availability";

    /// <summary>True when a change stamped <paramref name="changedAt"/> is not older than what the view shows (late events are dropped).</summary>
    public bool IsOlderThan(DateTimeOffset changedAt) => changedAt >= AsOf;
}
