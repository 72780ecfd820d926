using System.Text.Json.Serialization;

namespace Orderly.Inventory.Domain;

/// <summary>
/// A product on the shelf: its price, the stock on hand and the quantities held for orders (keyed by order id).
/// Stock on hand never goes below zero nor below what is reserved.
/// </summary>
public sealed class Product
{
    /// <summary>The document kind (and, as the only document of its kind in the sku's partition, its id).</summary>
    public const string Kind = "product";

    [JsonConstructor]
    private Product(string sku, string name, decimal unitPrice, string currency, int onHand, Dictionary<string, int>? reservations)
    {
        Sku = sku;
        Name = name;
        UnitPrice = unitPrice;
        Currency = currency;
        OnHand = onHand;
        Reservations = reservations ?? [];
    }

    public string Sku { get; private set; }

    public string Name { get; private set; }

    public decimal UnitPrice { get; private set; }

    public string Currency { get; private set; }

    public int OnHand { get; private set; }

    /// <summary>Quantity held per order id; the key is what makes reserve, release and commit idempotent.</summary>
    [JsonInclude]
    public Dictionary<string, int> Reservations { get; private set; }

    [JsonIgnore]
    public int Reserved => Reservations.Values.Sum();

    [JsonIgnore]
    public int Available => OnHand - Reserved;

    /// <summary>A new product with no stock.</summary>
    public static Product List(string sku, string name, decimal unitPrice, string currency)
    {
        ArgumentException.ThrowIfNullOrEmpty(sku);
        var product = new Product(sku, "", 0, "", 0, null);
        product.Describe(name, unitPrice, currency);
        return product;
    }

    /// <summary>Changes name and price; reservations already made keep the price they were reserved at (the order's total is fixed).</summary>
    public void Describe(string name, decimal unitPrice, string currency)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        if (unitPrice <= 0) throw new ArgumentOutOfRangeException(nameof(unitPrice), "A unit price is greater than zero.");
        Name = name;
        UnitPrice = unitPrice;
        Currency = currency;
    }

    /// <summary>Adds stock (a positive quantity) or takes it away (negative), never below what is reserved.</summary>
    public void AdjustStock(int quantity)
    {
        var newOnHand = (long)OnHand + quantity;
        if (newOnHand < Reserved)
            throw new StockRuleViolationException(Sku, $"Removing {-quantity} would leave {newOnHand} on hand, below the {Reserved} reserved (available: {Available}).");
        if (newOnHand > int.MaxValue)
            throw new StockRuleViolationException(Sku, "Stock on hand would overflow.");
        OnHand = (int)newOnHand;
    }

    /// <summary>Holds <paramref name="quantity"/> for the order; true if held (now or already), false if not enough is available.</summary>
    public ReserveOutcome Reserve(string orderId, int quantity)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        if (quantity <= 0) throw new ArgumentOutOfRangeException(nameof(quantity), "A reserved quantity is positive.");
        if (Reservations.ContainsKey(orderId)) return ReserveOutcome.AlreadyHeld;
        if (quantity > Available) return ReserveOutcome.NotEnoughStock;
        Reservations[orderId] = quantity;
        return ReserveOutcome.Held;
    }

    /// <summary>Gives back what is held for the order; false when nothing was (idempotent).</summary>
    public bool Release(string orderId) => Reservations.Remove(orderId);

    /// <summary>The held quantity is sold: it leaves the shelf and the hold. False when nothing is held (already committed or never reserved).</summary>
    public bool Commit(string orderId)
    {
        if (!Reservations.Remove(orderId, out var quantity)) return false;
        OnHand -= quantity;
        return true;
    }
}

/// <summary>What a reserve attempt did.</summary>
public enum ReserveOutcome
{
    /// <summary>The quantity is now held for the order.</summary>
    Held,
    /// <summary>The order already held stock of this product (a redelivery); nothing changed.</summary>
    AlreadyHeld,
    /// <summary>Less is available than asked; nothing changed.</summary>
    NotEnoughStock,
}

/// <summary>A stock change the product refuses (it would go below zero or below what is reserved).</summary>
public sealed class StockRuleViolationException(string sku, string message) : Exception(message)
{
    public string Sku { get; } = sku;
}
