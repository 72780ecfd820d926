using System.Text.Json;
using Orderly.Embedded.Store;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage.Cosmos;

namespace Orderly.Storage.Tests;

/// <summary>
/// Parked outbox records on a real store and feed: parking moves a record out of the outbox into its own partition in one
/// batch, parked records are listed across partitions and never read as pending, and triage decisions are written at the
/// record's ETag (a resubmit puts it back into the outbox in the same batch). Each test uses its own partitions and message ids.
/// </summary>
public abstract class ParkedOutboxContract
{
    protected abstract IDocumentStore Store { get; }

    protected abstract IOutboxFeed Feed { get; }

    private ParkedOutbox Parked => new(Store, Feed);

    private static string NewPartition() => "p-" + Guid.NewGuid().ToString("N");

    private static OutboxRecord Record(string messageId) =>
        new("orders-events", messageId, JsonSerializer.SerializeToElement(new { id = messageId, type = "orderly.orders.order-cancelled.v1" }), null,
            DateTimeOffset.UtcNow);

    /// <summary>A record parked as the relay leaves it, written directly (one write, no batch).</summary>
    private async Task<string> CreateParkedAsync(string pk, string messageId)
    {
        var now = DateTimeOffset.UtcNow;
        await Store.CreateAsync(pk, ParkedOutboxRecord.DocumentId(messageId), ParkedOutboxRecord.Kind, new ParkedOutboxRecord(
            Record(messageId), 3, "InvalidOperationException: too large", now, now, DeadLetterStatus.Pending, null,
            [new DeadLetterTrailEntry(now, DeadLetterAction.DeadLettered, DeadLetterTriage.SystemActor, "too large")]));
        return Parked.TriageId(messageId);
    }

    [StoreFact]
    public async Task Parking_takes_the_record_out_of_the_outbox_and_keeps_it_in_its_partition_with_its_reason()
    {
        var pk = NewPartition();
        var messageId = Guid.NewGuid().ToString("N");
        await Store.CreateAsync(pk, OutboxRecord.DocumentId(messageId), OutboxRecord.Kind, Record(messageId));

        await Parked.ParkAsync(new PendingOutboxRecord(pk, OutboxRecord.DocumentId(messageId), 0, Record(messageId)), 3, "InvalidOperationException: too large");

        Assert.Null(await Store.ReadAsync(pk, OutboxRecord.DocumentId(messageId)));
        Assert.Equal(ParkedOutboxRecord.Kind, (await Store.ReadAsync(pk, ParkedOutboxRecord.DocumentId(messageId)))!.Kind);
        var letter = (await Parked.ShowAsync(Parked.TriageId(messageId)))!;
        Assert.Equal((DeadLetterStatus.Pending, 3, "InvalidOperationException: too large", pk),
            (letter.Status, letter.DeliveryCount, letter.Description, letter.Properties["orderly-partition-key"]));
        Assert.DoesNotContain(await Feed.ReadPendingAsync(1000), p => p.Record.MessageId == messageId);
    }

    [StoreFact]
    public async Task Parked_records_are_listed_across_partitions_and_never_read_as_pending()
    {
        var (pk1, pk2) = (NewPartition(), NewPartition());
        var (m1, m2, waiting) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        await CreateParkedAsync(pk1, m1);
        await CreateParkedAsync(pk2, m2);
        await Store.CreateAsync(pk2, OutboxRecord.DocumentId(waiting), OutboxRecord.Kind, Record(waiting));

        var listed = (await Parked.ListAsync(Parked.Entity)).Where(l => l.MessageId == m1 || l.MessageId == m2).ToList();

        Assert.Equal([(m1, pk1), (m2, pk2)], listed.Select(l => (l.MessageId, l.Properties["orderly-partition-key"])).OrderBy(x => x.Item1 == m2));
        Assert.Empty(await Parked.ListAsync("orders-events"));
        var pending = await Feed.ReadPendingAsync(1000);
        Assert.Contains(pending, p => p.Record.MessageId == waiting);
        Assert.DoesNotContain(pending, p => p.Record.MessageId == m1 || p.Record.MessageId == m2);
    }

    [StoreFact]
    public async Task Ignoring_writes_the_note_at_the_records_etag_and_a_second_ignore_is_a_conflict()
    {
        var id = await CreateParkedAsync(NewPartition(), Guid.NewGuid().ToString("N"));

        await Parked.MarkIgnoredAsync(id, "ops-ada", "duplicate of a confirmed order");
        await Assert.ThrowsAsync<DeadLetterConflictException>(() => Parked.MarkIgnoredAsync(id, "ops-bob", "another note"));

        var letter = (await Parked.ShowAsync(id))!;
        Assert.Equal((DeadLetterStatus.Ignored, "duplicate of a confirmed order"), (letter.Status, letter.Note));
        Assert.Equal(["system", "ops-ada"], (await Parked.TrailAsync(id)).Select(t => t.Actor));
    }

    [StoreFact]
    public async Task Resubmitting_puts_the_record_back_into_the_outbox_under_its_message_id_once()
    {
        var pk = NewPartition();
        var messageId = Guid.NewGuid().ToString("N");
        var id = await CreateParkedAsync(pk, messageId);

        Assert.Equal(messageId, await Parked.ResubmitAsync(id, "ops-ada", note: "fixed"));
        await Assert.ThrowsAsync<DeadLetterConflictException>(() => Parked.ResubmitAsync(id, "ops-ada"));

        Assert.Single(await Feed.ReadPendingAsync(1000), p => p.Record.MessageId == messageId && p.PartitionKey == pk);
        Assert.Equal(DeadLetterStatus.Resubmitted, (await Parked.ShowAsync(id))!.Status);
    }
}

public sealed class EmbeddedParkedOutboxTests(EmbeddedDatabaseFixture fixture) : ParkedOutboxContract, IClassFixture<EmbeddedDatabaseFixture>
{
    protected override IDocumentStore Store => fixture.Store;

    protected override IOutboxFeed Feed => new EmbeddedOutboxFeed(fixture.Database, fixture.Store.Container, fixture.Clock);
}

/// <summary>The same contract on Cosmos DB (see <see cref="CosmosTestTarget"/> for what the local stand-in cannot run).</summary>
[CosmosTarget]
public sealed class CosmosParkedOutboxTests(CosmosContainerFixture fixture) : ParkedOutboxContract, IClassFixture<CosmosContainerFixture>
{
    protected override IDocumentStore Store => new CosmosDocumentStore(fixture.Container);

    protected override IOutboxFeed Feed => new CosmosOutboxFeed(fixture.Container);
}
