using System.Text.Json;
using System.Text.RegularExpressions;
using Orderly.Hosting.Http;
using Orderly.Inventory.Domain;

namespace Orderly.Inventory.Http;

/// <summary>Body of <c>PUT /api/inventory/products/{sku}</c>.</summary>
public sealed record ProductDetails(string Name, decimal UnitPrice, string Currency);

/// <summary>Body of <c>POST /api/inventory/products/{sku}/stock</c>: positive adds, negative removes.</summary>
public sealed record StockAdjustment(int Quantity);

/// <summary>
/// The field rules of the inventory API (README "HTTP"), read with the shared <see cref="FieldReader"/>: exact property names,
/// every bad field collected, and every number range-checked before anything computes with it.
/// </summary>
public static partial class InventoryInput
{
    public const int MaxNameLength = 200;
    public const decimal MaxUnitPrice = 1_000_000_000m;
    public const int MaxStockAdjustment = 1_000_000;
    public const int MaxSkusPerQuery = 50;
    public const int MaxSkusQueryLength = MaxSkusPerQuery * 65;

    private const string SkuRule = "must be 1 to 64 letters, digits, '-' or '_'.";

    // \z, not $: in .NET $ also matches before a final newline, and "sku\n" would pass.
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex SkuPattern();

    /// <summary>Checks the sku of a route (<c>/products/{sku}</c>), adding an error for <c>sku</c> when it breaks the rule.</summary>
    public static void CheckSku(string sku, FieldErrors errors)
    {
        if (!SkuPattern().IsMatch(sku)) errors.Add("sku", "sku " + SkuRule);
    }

    /// <summary>The name, price and currency of a product, or null with every bad field in <paramref name="fields"/>.</summary>
    public static ProductDetails? ReadProduct(JsonElement body, FieldReader fields)
    {
        var name = fields.Text(body, "name", MaxNameLength);
        var currency = fields.Code(body, "currency", CurrencyCodes.IsKnown, "currency must be an active ISO 4217 code in upper case, such as EUR or USD.");
        var unitPrice = fields.Decimal(body, "unitPrice", 0, MaxUnitPrice);
        if (unitPrice is { } price && currency is not null)
        {
            // In range by now, so rounding cannot overflow.
            var decimals = CurrencyCodes.DecimalsOf(currency);
            if (decimal.Round(price, decimals) != price) fields.Errors.Add("unitPrice", $"unitPrice must have at most {decimals} decimals in {currency}.");
        }
        return name is null || currency is null || unitPrice is null || fields.Errors.Any
            ? null
            : new ProductDetails(name.Trim(), unitPrice.Value, currency);
    }

    /// <summary>The stock change, or null with <c>quantity</c> in <paramref name="fields"/> when it is missing, out of range or 0.</summary>
    public static StockAdjustment? ReadStockAdjustment(JsonElement body, FieldReader fields)
    {
        if (fields.Int(body, "quantity", -MaxStockAdjustment, MaxStockAdjustment) is not { } quantity) return null;
        if (quantity != 0) return new StockAdjustment(quantity);
        fields.Errors.Add("quantity", "quantity must not be 0: a positive number adds stock, a negative one removes it.");
        return null;
    }

    /// <summary>The distinct skus of <c>?skus=a,b</c>, or null with every problem under <c>skus</c> in <paramref name="errors"/>.</summary>
    public static IReadOnlyList<string>? ReadSkus(string? query, FieldErrors errors)
    {
        var skus = QueryValue.Single(query, "skus", MaxSkusQueryLength, errors);
        if (errors.Any) return null;
        var list = (skus ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0) errors.Add("skus", "skus must be a comma-separated list of at least one sku.");
        else if (list.Count > MaxSkusPerQuery) errors.Add("skus", $"skus must name at most {MaxSkusPerQuery} skus; it names {list.Count}.");
        foreach (var bad in list.Where(s => !SkuPattern().IsMatch(s)).Take(MaxSkusPerQuery))
            errors.Add("skus", $"'{bad}' is not a sku: a sku {SkuRule}");
        return errors.Any ? null : list;
    }
}
