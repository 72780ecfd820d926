using Orderly.Orders.Domain;
using Orderly.Storage;

namespace Orderly.Orders.Persistence;

/// <summary>An order as read from the store, with the ETag to write it back against.</summary>
public sealed record LoadedOrder(Order Order, string ETag);

/// <summary>How an <see cref="Order"/> is stored: one document of kind <c>order</c>, id and partition = the order id.</summary>
public static class OrderDocuments
{
    public const string Kind = "order";

    /// <summary>The order and its ETag, or null when there is no such order.</summary>
    public static async Task<LoadedOrder?> LoadOrderAsync(this IDocumentStore store, string orderId, CancellationToken ct)
    {
        var doc = await store.ReadAsync(orderId, orderId, ct).ConfigureAwait(false);
        return doc is null || doc.Kind != Kind ? null : new LoadedOrder(Order.FromSnapshot(doc.As<OrderSnapshot>()), doc.ETag);
    }

    /// <summary>Stages the order: a create when it was never stored (<paramref name="etag"/> null), else a replace at that ETag.</summary>
    public static WriteBatch SaveOrder(this WriteBatch batch, Order order, string? etag) =>
        batch.Save(order.OrderId, Kind, order.ToSnapshot(), etag);
}
