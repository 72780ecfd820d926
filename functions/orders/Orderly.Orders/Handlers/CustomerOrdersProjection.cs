using Orderly.ConsumerPipeline;
using Orderly.Orders.Domain;

namespace Orderly.Orders.Handlers;

/// <summary>Reads and writes a customer's order summaries (the read model behind <c>GET /api/customers/{id}/orders</c>).</summary>
internal static class CustomerOrdersProjection
{
    /// <summary>Loads the order's summary, applies the event to it and stages the write at the ETag it was read at.</summary>
    public static async Task ProjectAsync(MessageContext context, string customerId, string orderId,
        Func<CustomerOrderSummary?, CustomerOrderSummary> apply, CancellationToken ct)
    {
        var id = CustomerOrderSummary.DocumentIdFor(orderId);
        var doc = await context.Store.ReadAsync(CustomerOrderSummary.PartitionFor(customerId), id, ct).ConfigureAwait(false);
        var current = doc?.As<CustomerOrderSummary>();
        var next = apply(current);
        if (next == current) return; // a duplicate or an event already overtaken: nothing to write
        // A concurrent event for the same order makes this a stale ETag: the pipeline retries and re-applies on fresh state.
        context.Batch.Save(id, CustomerOrderSummary.Kind, next, doc?.ETag);
    }
}
