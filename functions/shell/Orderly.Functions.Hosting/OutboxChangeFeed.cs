using System.Text.Json;
using System.Text.Json.Serialization;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Functions.Hosting;

/// <summary>A container item as the Cosmos DB change-feed trigger delivers it (<c>{ id, pk, kind, body }</c>, see CosmosDocument).</summary>
public sealed record ChangedDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("pk")] string PartitionKey,
    [property: JsonPropertyName("kind")] string? Kind,
    [property: JsonPropertyName("body")] JsonElement Body);

/// <summary>
/// The outbox relay on the change feed: of the changed items, publishes the outbox records (in feed order, which is commit
/// order per partition), then deletes them; a record that keeps failing is parked in its partition (<see cref="OutboxRelay"/>).
/// A throw, only while a record is neither published nor parked, makes the trigger deliver the batch again; the records keep
/// their message ids, so Service Bus duplicate detection and the consumers' inboxes drop what was already sent.
/// </summary>
public sealed class OutboxChangeFeed(OutboxRelay relay)
{
    public async Task RelayAsync(IReadOnlyList<ChangedDocument> changes, CancellationToken cancellationToken)
    {
        var pending = changes
            .Where(c => c.Kind == OutboxRecord.Kind)
            .Select((c, i) => new PendingOutboxRecord(c.PartitionKey, c.Id, i, c.Body.Deserialize<OutboxRecord>(DocumentJson.Options)!))
            .ToList();
        if (pending.Count == 0) return;
        await relay.RelayAsync(pending, cancellationToken).ConfigureAwait(false);
    }
}
