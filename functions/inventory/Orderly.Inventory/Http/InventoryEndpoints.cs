using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;
using Orderly.Inventory.Domain;
using Orderly.Inventory.Persistence;
using Orderly.Storage;

namespace Orderly.Inventory.Http;

/// <summary>
/// The inventory API, one method per route; the local host maps them and the Function App shell calls the same methods.
/// The access gate has admitted the caller by the route's policy (<see cref="InventoryModule.Routes"/>) before any of them runs.
/// </summary>
public static class InventoryEndpoints
{
    /// <summary><c>PUT /api/inventory/products/{sku}</c>: creates the product (201) or changes its name and price (200).</summary>
    public static async Task<Results<Created<ProductView>, Ok<ProductView>, ValidationProblem, ProblemHttpResult>> PutProduct(
        HttpRequest request, string sku, ClaimsPrincipal caller, [FromServices] InventoryServices services, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Refusal is { } refusal) return refusal;
        InventoryInput.CheckSku(sku, body.Fields.Errors);
        var details = InventoryInput.ReadProduct(body.Root, body.Fields);
        if (details is null || body.Fields.Errors.Any) return body.Fields.Errors.ToProblem();

        var correlationId = NewCorrelationId();
        try
        {
            // Load, decide, save: again from fresh reads when someone wrote the product (or created it) in between.
            var (product, listed) = await RaceRetry.Default.RunAsync($"product '{sku}'", async ct =>
            {
                var loaded = await ProductShelf.ReadAsync(services.Store, sku, ct).ConfigureAwait(false);
                var product = loaded?.Value ?? Product.List(sku, details.Name, details.UnitPrice, details.Currency);
                if (loaded is not null) product.Describe(details.Name, details.UnitPrice, details.Currency);
                var batch = ProductShelf.Save(new WriteBatch(sku), product, loaded?.ETag);
                services.Shelf.StageStockLevelChanged(batch, product, correlationId, null);
                await services.Store.CommitAsync(batch, ct).ConfigureAwait(false);
                return (product, loaded is null);
            }, cancellationToken).ConfigureAwait(false);
            // Who changed a price is an audit question; the gate admitted only shop admins.
            services.Log.LogInformation("Product {Sku} {Change} by {Admin}: {UnitPrice} {Currency}",
                sku, listed ? "listed" : "described", caller.SubjectOf(), product.UnitPrice, product.Currency);
            return listed
                ? TypedResults.Created($"/api/inventory/products/{sku}", ProductView.Of(product))
                : TypedResults.Ok(ProductView.Of(product));
        }
        catch (RaceLostException)
        {
            return Busy(sku);
        }
    }

    /// <summary><c>POST /api/inventory/products/{sku}/stock</c>: adds (or, negative, removes) stock; never below what is reserved (409).</summary>
    public static async Task<Results<Ok<ProductView>, ValidationProblem, ProblemHttpResult>> AdjustStock(
        HttpRequest request, string sku, ClaimsPrincipal caller, [FromServices] InventoryServices services, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Refusal is { } refusal) return refusal;
        InventoryInput.CheckSku(sku, body.Fields.Errors);
        var adjustment = InventoryInput.ReadStockAdjustment(body.Root, body.Fields);
        if (adjustment is null || body.Fields.Errors.Any) return body.Fields.Errors.ToProblem();

        var correlationId = NewCorrelationId();
        Product? product;
        try
        {
            // A reservation or another adjustment that got there first: re-check against the new numbers.
            product = await services.Shelf.ChangeAsync(sku, p =>
            {
                p.AdjustStock(adjustment.Quantity);
                return true;
            }, correlationId, null, cancellationToken).ConfigureAwait(false);
        }
        catch (StockRuleViolationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Stock cannot go below what is reserved.", detail: ex.Message);
        }
        catch (RaceLostException)
        {
            return Busy(sku);
        }
        if (product is null) return UnknownProduct(sku);
        services.Log.LogInformation("Stock of {Sku} adjusted by {Quantity} to {OnHand} on hand by {Admin}",
            sku, adjustment.Quantity, product.OnHand, caller.SubjectOf());
        return TypedResults.Ok(ProductView.Of(product));
    }

    /// <summary><c>GET /api/inventory/products/{sku}</c>: the product with its stock, read from the product itself (consistent).</summary>
    public static async Task<Results<Ok<ProductView>, ValidationProblem, ProblemHttpResult>> GetProduct(
        string sku, [FromServices] InventoryServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        InventoryInput.CheckSku(sku, errors);
        if (errors.Any) return errors.ToProblem();
        var loaded = await ProductShelf.ReadAsync(services.Store, sku, cancellationToken).ConfigureAwait(false);
        return loaded is null ? UnknownProduct(sku) : TypedResults.Ok(ProductView.Of(loaded.Value));
    }

    /// <summary>
    /// <c>GET /api/inventory/products?pageSize=&amp;continuation=</c>: the catalogue with stock, a page at a time, read from the
    /// products themselves, in store order (by sku in the local host; Cosmos DB's own order in Azure).
    /// </summary>
    public static async Task<Results<Ok<Page<ProductView>>, ValidationProblem>> ListProducts(
        string? pageSize, string? continuation, [FromServices] InventoryServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (size, from) = PageQuery.Read(pageSize, continuation, errors);
        if (errors.Any) return errors.ToProblem();
        try
        {
            var page = await services.Store.ListAsync(new DocumentListing(Product.Kind, size) { Continuation = from }, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new Page<ProductView>(page.Items.Select(d => ProductView.Of(d.As<Product>())).ToList(), page.Continuation));
        }
        catch (InvalidContinuationException)
        {
            return PageQuery.InvalidContinuation().ToProblem();
        }
    }

    /// <summary>
    /// <c>GET /api/inventory/availability?skus=a,b</c>: the availability read model, eventually consistent (fed by StockLevelChanged;
    /// <c>asOf</c> says when each figure was true). Skus the view does not know (yet) are left out.
    /// </summary>
    public static async Task<Results<Ok<List<AvailabilityView>>, ValidationProblem>> GetAvailability(
        string? skus, [FromServices] InventoryServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (InventoryInput.ReadSkus(skus, errors) is not { } list) return errors.ToProblem();
        var result = new List<AvailabilityView>();
        foreach (var sku in list)
        {
            var doc = await services.Store.ReadAsync(sku, Availability.Kind, cancellationToken).ConfigureAwait(false);
            if (doc?.As<Availability>() is { } a) result.Add(new AvailabilityView(a.Sku, a.Available, a.AsOf));
        }
        return TypedResults.Ok(result);
    }

    // Changes made through the admin API start a flow of their own.
    private static string NewCorrelationId() => Guid.CreateVersion7().ToString("N");

    private static ProblemHttpResult UnknownProduct(string sku) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown product.", detail: $"There is no product with sku '{sku}'.");

    private static ProblemHttpResult Busy(string sku) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The product is being changed by others.", detail: $"Product '{sku}' kept changing while we wrote it; try again.");
}
