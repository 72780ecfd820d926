using Orderly.Inventory.Domain;

namespace Orderly.Inventory.Http;

/// <summary>A product as the admin API shows it.</summary>
public sealed record ProductView(string Sku, string Name, decimal UnitPrice, string Currency, int OnHand, int Reserved, int Available)
{
    public static ProductView Of(Product p) => new(p.Sku, p.Name, p.UnitPrice, p.Currency, p.OnHand, p.Reserved, p.Available);
}

/// <summary>One sku of the availability read model; <c>asOf</c> says how fresh it is (the view is eventually consistent).</summary>
public sealed record AvailabilityView(string Sku, int Available, DateTimeOffset AsOf);
