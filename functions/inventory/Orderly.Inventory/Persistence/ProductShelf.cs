using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Domain;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Inventory.Persistence;

/// <summary>
/// Reads and changes products (one partition per sku). Every change is written at the ETag it was read at together with its
/// StockLevelChanged event (outbox, same batch); a lost race loads and decides again by <see cref="RaceRetry"/>, which is
/// what lets many orders compete for the last unit without overselling.
/// </summary>
public sealed class ProductShelf(IDocumentStore store, EnvelopeFactory envelopes, InventoryOptions options)
{
    /// <summary>The product of <paramref name="sku"/> with the ETag it was read at, or null for an unknown sku.</summary>
    public static async Task<Loaded<Product>?> ReadAsync(IDocumentStore store, string sku, CancellationToken ct)
    {
        var doc = await store.ReadAsync(sku, Product.Kind, ct);
        return doc is null ? null : new Loaded<Product>(doc.As<Product>(), doc.ETag);
    }

    /// <summary>Stages a product in <paramref name="batch"/>: a create when it was never stored (<paramref name="etag"/> null), else a replace at that ETag.</summary>
    public static WriteBatch Save(WriteBatch batch, Product product, string? etag) => batch.Save(Product.Kind, Product.Kind, product, etag);

    /// <summary>
    /// Applies <paramref name="change"/> (which says whether it changed anything) to the product and writes it with its event,
    /// deciding again on a lost race. Returns the product as written (or as read when unchanged), or null for an unknown sku;
    /// a race lost every time is a <see cref="RaceLostException"/> (transient: the caller's retry takes over).
    /// </summary>
    public Task<Product?> ChangeAsync(string sku, Func<Product, bool> change, string correlationId, string? causationId, CancellationToken ct) =>
        RaceRetry.Default.RunAsync($"product '{sku}'", async c =>
        {
            var loaded = await ReadAsync(store, sku, c);
            if (loaded is null) return null;
            var product = loaded.Value;
            if (!change(product)) return product;
            var batch = Save(new WriteBatch(sku), product, loaded.ETag);
            StageStockLevelChanged(batch, product, correlationId, causationId);
            await store.CommitAsync(batch, c);
            return (Product?)product;
        }, ct);

    /// <summary>Removes the order's hold from each product, in sku order (idempotent: a product holding nothing for it is not written).</summary>
    public async Task ReleaseAsync(string orderId, IEnumerable<string> skus, Envelope cause, CancellationToken ct)
    {
        foreach (var sku in skus.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            await ChangeAsync(sku, p => p.Release(orderId), cause.CorrelationId, cause.Id, ct);
    }

    /// <summary>Stages the product's StockLevelChanged event in the outbox of the batch that writes it.</summary>
    public void StageStockLevelChanged(WriteBatch batch, Product product, string correlationId, string? causationId)
    {
        var now = envelopes.Time.GetUtcNow();
        var changed = new StockLevelChanged(product.Sku, product.OnHand, product.Reserved, product.Available, now);
        var envelope = envelopes.Create(changed, correlationId, causationId, subject: product.Sku);
        batch.AddOutgoing(new OutgoingMessage(options.EventsTopic, envelope), now);
    }
}
