using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Inventory.Domain;
using Orderly.Inventory.Persistence;
using Orderly.Messaging;
using Orderly.Storage;

namespace Orderly.Inventory.Http;

/// <summary>Body of <c>PUT /api/inventory/products/{sku}</c> (documentation only: the endpoint reads the JSON itself).</summary>
public sealed record ProductDetails(string Name, decimal UnitPrice, string Currency);

/// <summary>Body of <c>POST /api/inventory/products/{sku}/stock</c>: positive adds, negative removes.</summary>
public sealed record StockAdjustment(int Quantity);

/// <summary>The inventory admin API; each route is one method, called by the local host and the Function App alike.</summary>
public static class InventoryEndpoints
{
    public const int MaxNameLength = 200;
    public const decimal MaxUnitPrice = 1_000_000_000m;
    public const int MaxStockAdjustment = 1_000_000;
    public const int MaxSkusPerQuery = 50;

    /// <summary>Times a write that lost a race is decided again before answering 409.</summary>
    private const int WriteAttempts = 5;

    /// <summary><c>PUT /api/inventory/products/{sku}</c>: creates the product (201) or changes its name and price (200).</summary>
    public static async Task<IResult> PutProduct(HttpRequest request, string sku, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        RequireSku(sku, errors);
        var body = await FieldErrors.ReadObjectAsync(request, errors, cancellationToken);
        string name = "", currency = "";
        decimal unitPrice = 0;
        if (body is { } b)
        {
            name = ReadName(b, errors);
            currency = ReadCurrency(b, errors);
            unitPrice = ReadUnitPrice(b, CurrencyCodes.IsKnown(currency) ? currency : null, errors);
        }
        if (errors.Any) return errors.ToResult();

        var (store, shelf) = Services(request);
        var correlationId = NewCorrelationId();
        for (var attempt = 1; attempt <= WriteAttempts; attempt++)
        {
            var loaded = await ProductShelf.ReadAsync(store, sku, cancellationToken);
            var batch = new WriteBatch(sku);
            Product product;
            if (loaded is null)
            {
                product = Product.List(sku, name, unitPrice, currency);
                batch.Create(Product.Kind, Product.Kind, product);
            }
            else
            {
                product = loaded.Value;
                product.Describe(name, unitPrice, currency);
                batch.Replace(Product.Kind, Product.Kind, product, loaded.ETag);
            }
            shelf.StageStockLevelChanged(batch, product, correlationId, null);
            try
            {
                await store.CommitAsync(batch, cancellationToken);
                return loaded is null
                    ? TypedResults.Created($"/api/inventory/products/{sku}", ProductView.Of(product))
                    : TypedResults.Ok(ProductView.Of(product));
            }
            catch (Exception ex) when (ex is ConcurrencyException or DocumentConflictException)
            {
                // Someone wrote the product since we read it: read again and decide again.
            }
        }
        return Busy(sku);
    }

    /// <summary><c>POST /api/inventory/products/{sku}/stock</c>: adds (or, negative, removes) stock; never below what is reserved (409).</summary>
    public static async Task<IResult> AdjustStock(HttpRequest request, string sku, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        RequireSku(sku, errors);
        var body = await FieldErrors.ReadObjectAsync(request, errors, cancellationToken);
        var quantity = 0;
        if (body is { } b)
        {
            var q = FieldErrors.Property(b, "quantity");
            if (q is not { ValueKind: JsonValueKind.Number } || !q.Value.TryGetInt32(out quantity) || quantity == 0 || Math.Abs(quantity) > MaxStockAdjustment)
                errors.Add("quantity", $"quantity is a non-zero whole number between -{MaxStockAdjustment:N0} and {MaxStockAdjustment:N0}.");
        }
        if (errors.Any) return errors.ToResult();

        var (store, shelf) = Services(request);
        var correlationId = NewCorrelationId();
        for (var attempt = 1; attempt <= WriteAttempts; attempt++)
        {
            var loaded = await ProductShelf.ReadAsync(store, sku, cancellationToken);
            if (loaded is null) return UnknownProduct(sku);
            var product = loaded.Value;
            try
            {
                product.AdjustStock(quantity);
            }
            catch (StockRuleViolationException ex)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Stock cannot go below what is reserved.", detail: ex.Message);
            }
            var batch = new WriteBatch(sku).Replace(Product.Kind, Product.Kind, product, loaded.ETag);
            shelf.StageStockLevelChanged(batch, product, correlationId, null);
            try
            {
                await store.CommitAsync(batch, cancellationToken);
                return TypedResults.Ok(ProductView.Of(product));
            }
            catch (ConcurrencyException)
            {
                // A reservation or another adjustment got there first: re-check against the new numbers.
            }
        }
        return Busy(sku);
    }

    /// <summary><c>GET /api/inventory/products/{sku}</c>: the product with its stock, read from the product itself (consistent).</summary>
    public static async Task<IResult> GetProduct(HttpRequest request, string sku, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        RequireSku(sku, errors);
        if (errors.Any) return errors.ToResult();
        var (store, _) = Services(request);
        var loaded = await ProductShelf.ReadAsync(store, sku, cancellationToken);
        return loaded is null ? UnknownProduct(sku) : TypedResults.Ok(ProductView.Of(loaded.Value));
    }

    /// <summary>
    /// <c>GET /api/inventory/availability?skus=a,b</c>: the availability read model, eventually consistent (fed by StockLevelChanged;
    /// <c>asOf</c> says when each figure was true). Skus the view does not know (yet) are left out.
    /// </summary>
    public static async Task<IResult> GetAvailability(HttpRequest request, string? skus, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var list = (skus ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
            errors.Add("skus", "skus is a comma-separated list of at least one sku.");
        else if (list.Count > MaxSkusPerQuery)
            errors.Add("skus", $"At most {MaxSkusPerQuery} skus per query.");
        foreach (var bad in list.Where(s => !FieldErrors.IsSku(s)))
            errors.Add("skus", $"'{bad}' is not a sku (1–64 letters, digits, '-' or '_').");
        if (errors.Any) return errors.ToResult();

        var (store, _) = Services(request);
        var result = new List<AvailabilityView>();
        foreach (var sku in list)
        {
            var doc = await store.ReadAsync(sku, Availability.Kind, cancellationToken);
            if (doc?.As<Availability>() is { } a) result.Add(new AvailabilityView(a.Sku, a.Available, a.AsOf));
        }
        return TypedResults.Ok(result);
    }

    private static void RequireSku(string sku, FieldErrors errors)
    {
        if (!FieldErrors.IsSku(sku)) errors.Add("sku", "sku is 1–64 letters, digits, '-' or '_'.");
    }

    private static string ReadName(JsonElement body, FieldErrors errors)
    {
        var name = FieldErrors.Property(body, "name");
        var text = name is { ValueKind: JsonValueKind.String } ? name.Value.GetString()!.Trim() : null;
        if (text is null || text.Length is 0 or > MaxNameLength)
        {
            errors.Add("name", $"name is text of 1–{MaxNameLength} characters.");
            return "";
        }
        return text;
    }

    private static string ReadCurrency(JsonElement body, FieldErrors errors)
    {
        var currency = FieldErrors.Property(body, "currency");
        var code = currency is { ValueKind: JsonValueKind.String } ? currency.Value.GetString()! : null;
        if (code is null || !CurrencyCodes.IsKnown(code))
        {
            errors.Add("currency", "currency is an active ISO 4217 code in upper case, such as EUR or USD.");
            return "";
        }
        return code;
    }

    private static decimal ReadUnitPrice(JsonElement body, string? currency, FieldErrors errors)
    {
        var price = FieldErrors.Property(body, "unitPrice");
        if (price is not { ValueKind: JsonValueKind.Number } || !price.Value.TryGetDecimal(out var value) || value <= 0 || value > MaxUnitPrice)
        {
            errors.Add("unitPrice", $"unitPrice is a number greater than 0 and at most {MaxUnitPrice:N0}.");
            return 0;
        }
        if (currency is not null)
        {
            var decimals = CurrencyCodes.DecimalsOf(currency);
            var scaled = value * (decimal)Math.Pow(10, decimals);
            if (scaled != decimal.Truncate(scaled))
                errors.Add("unitPrice", $"unitPrice has at most {decimals} decimals in {currency}.");
        }
        return value;
    }

    private static (IDocumentStore Store, ProductShelf Shelf) Services(HttpRequest request)
    {
        var services = request.HttpContext.RequestServices;
        var store = services.GetRequiredKeyedService<IDocumentStore>(InventoryModule.Name);
        var shelf = new ProductShelf(store, services.GetRequiredKeyedService<EnvelopeFactory>(InventoryModule.Name), services.GetRequiredService<InventoryOptions>());
        return (store, shelf);
    }

    // Changes made through the admin API start a flow of their own.
    private static string NewCorrelationId() => Guid.CreateVersion7().ToString("N");

    private static IResult UnknownProduct(string sku) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown product.", detail: $"There is no product with sku '{sku}'.");

    private static IResult Busy(string sku) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The product is being changed by others.", detail: $"Product '{sku}' kept changing while we wrote it; try again.");
}
