using Orderly.ConsumerPipeline;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Domain;

namespace Orderly.Inventory.Handlers;

/// <summary>
/// Keeps the availability read model (one document per sku) up to date from StockLevelChanged events. Events can arrive late
/// or twice: a change older than the view is ignored, and the write checks the ETag so two deliveries cannot interleave.
/// </summary>
public sealed class StockLevelChangedHandler : IMessageHandler<StockLevelChanged>
{
    public string PartitionKeyFor(StockLevelChanged message) => message.Sku;

    public async Task HandleAsync(StockLevelChanged message, MessageContext context, CancellationToken cancellationToken)
    {
        var doc = await context.Store.ReadAsync(message.Sku, Availability.Kind, cancellationToken);
        var current = doc?.As<Availability>();
        if (current is not null && !current.IsOlderThan(message.ChangedAt)) return;
        var view = new Availability(message.Sku, message.OnHand, message.Reserved, message.Available, message.ChangedAt);
        context.Batch.Save(Availability.Kind, Availability.Kind, view, doc?.ETag);
    }
}
