using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Messaging.Tests.Pipeline;

/// <summary>
/// Embedded mode's store and broker share one SQLite file, so a hop that Azure splits in two (commit, then complete; publish,
/// then acknowledge) is one unit of work here: all or nothing, and one commit fewer per message.
/// </summary>
public sealed class OneUnitPerHopTests
{
    [Fact]
    public async Task A_handled_message_is_committed_and_completed_in_one_unit_of_work()
    {
        await using var h = await PipelineHarness.StartAsync();
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));
        var locked = Assert.Single(await h.Broker.ReceiveAsync(PipelineHarness.Queue, 1));
        var before = h.Database.CommitStats.Units;

        await h.Pipeline.ProcessAsync(PipelineHarness.Queue, locked.Message, locked.Settlement, CancellationToken.None);

        Assert.Equal(1, h.Database.CommitStats.Units - before);
        Assert.Equal(0, h.Broker.ActiveMessageCount(PipelineHarness.Queue));
        Assert.Equal(1, (await h.EffectOfAsync("o-1"))!.Count);
        Assert.Single(await h.PendingOutboxAsync());
    }

    [Fact]
    public async Task A_batch_that_loses_its_race_every_time_completes_nothing()
    {
        await using var h = await PipelineHarness.StartAsync();
        // Someone else writes the aggregate after every read of the handler: each of its batches holds a stale ETag.
        h.Probe.AfterRead = context => h.Store.UpsertAsync("o-1", Effect.Id, Effect.Kind, new Effect(100, "someone-else"));
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));
        var locked = Assert.Single(await h.Broker.ReceiveAsync(PipelineHarness.Queue, 1));

        await h.Pipeline.ProcessAsync(PipelineHarness.Queue, locked.Message, locked.Settlement, CancellationToken.None);

        Assert.Equal(1, h.Broker.ActiveMessageCount(PipelineHarness.Queue)); // released for a retry, not completed
        Assert.Equal(100, (await h.EffectOfAsync("o-1"))!.Count);
        Assert.Empty(await h.PendingOutboxAsync());
    }

    [Fact]
    public async Task A_message_whose_lock_expired_during_handling_keeps_its_effects_and_its_redelivery_is_dropped()
    {
        var settings = new EntitySettings(TimeSpan.FromMilliseconds(100), 10, TimeSpan.FromMinutes(10));
        await using var h = await PipelineHarness.StartAsync(topology: new EmbeddedBrokerTopology().AddQueue(PipelineHarness.Queue, settings));
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));
        var locked = Assert.Single(await h.Broker.ReceiveAsync(PipelineHarness.Queue, 1));
        h.Probe.Before = async _ =>
        {
            h.Probe.Before = null;
            await Task.Delay(300); // past the lock
        };

        await Assert.ThrowsAsync<MessageLockLostException>(() =>
            h.Pipeline.ProcessAsync(PipelineHarness.Queue, locked.Message, locked.Settlement, CancellationToken.None));

        Assert.Equal(1, (await h.EffectOfAsync("o-1"))!.Count);
        Assert.Equal(1, h.Broker.ActiveMessageCount(PipelineHarness.Queue));
        await h.ConsumeUntilAsync(() => Task.FromResult(h.Broker.ActiveMessageCount(PipelineHarness.Queue) == 0));
        Assert.Equal(1, (await h.EffectOfAsync("o-1"))!.Count);
        Assert.Equal(1, h.Probe.Invocations); // the redelivery met the inbox record and never reached the handler
    }

    [Fact]
    public async Task The_relay_publishes_and_acknowledges_a_round_in_one_unit_of_work()
    {
        await using var h = await PipelineHarness.StartAsync();
        var batch = new WriteBatch("o-1").Upsert("order", "order", new { orderId = "o-1" });
        for (var i = 0; i < 3; i++)
        {
            batch.AddOutgoing(new OutgoingMessage(PipelineHarness.Topic, EnvelopeJson.Create(
                new OrderCancelled("o-1", "customer-1", "timeout", DateTimeOffset.UtcNow), Guid.CreateVersion7().ToString("N"),
                "/orderly/orders", DateTimeOffset.UtcNow, "o-1")), DateTimeOffset.UtcNow);
        }
        await h.Store.CommitAsync(batch);
        var relay = new OutboxRelay(h.Outbox, new ParkedOutbox(h.Store, h.Outbox), h.Broker, new OutboxRelayOptions(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<OutboxRelay>.Instance);
        var before = h.Database.CommitStats.Units;

        Assert.Equal(3, await relay.PublishPendingOnceAsync());

        Assert.Equal(1, h.Database.CommitStats.Units - before);
        Assert.Empty(await h.PendingOutboxAsync());
        Assert.Equal(3, h.Broker.ActiveMessageCount(PipelineHarness.Subscription));
    }

    [Fact]
    public async Task A_write_handed_to_a_handled_messages_unit_commits_in_that_one_unit()
    {
        await using var h = await PipelineHarness.StartAsync();
        var carried = await CarriedNoteAsync(h);
        h.Probe.AfterRead = context =>
        {
            Assert.True(context.Carry(carried));
            return Task.CompletedTask;
        };
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));
        var locked = Assert.Single(await h.Broker.ReceiveAsync(PipelineHarness.Queue, 1));
        var before = h.Database.CommitStats.Units;

        await h.Pipeline.ProcessAsync(PipelineHarness.Queue, locked.Message, locked.Settlement, CancellationToken.None);

        Assert.Equal(1, h.Database.CommitStats.Units - before);
        Assert.Equal(1, Notes(h));
        Assert.Equal("committed", carried.Outcome);
        Assert.Equal(0, h.Broker.ActiveMessageCount(PipelineHarness.Queue));
    }

    [Fact]
    public async Task A_write_handed_to_a_unit_that_keeps_losing_its_race_is_never_written_and_hears_each_failure()
    {
        await using var h = await PipelineHarness.StartAsync();
        var handed = new List<CarriedNote>();
        h.Probe.AfterRead = async context =>
        {
            var carried = await CarriedNoteAsync(h);
            handed.Add(carried);
            Assert.True(context.Carry(carried));
            await h.Store.UpsertAsync("o-1", Effect.Id, Effect.Kind, new Effect(100, "someone-else")); // every batch holds a stale ETag
        };
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-1"));
        var locked = Assert.Single(await h.Broker.ReceiveAsync(PipelineHarness.Queue, 1));

        await h.Pipeline.ProcessAsync(PipelineHarness.Queue, locked.Message, locked.Settlement, CancellationToken.None);

        Assert.Equal(0, Notes(h));
        Assert.NotEmpty(handed);
        Assert.All(handed, c => Assert.Equal("failed", c.Outcome));
        Assert.Equal(1, h.Broker.ActiveMessageCount(PipelineHarness.Queue)); // released for a retry, not completed
    }

    /// <summary>A write of another component on the pipeline's database (as a saga reply's turn is), with the outcome it was told.</summary>
    private sealed class CarriedNote(SqliteDatabase database) : CarriedWrite(database)
    {
        public string? Outcome { get; private set; }

        public override void WriteIn(WriteScope scope)
        {
            using var cmd = scope.Command("INSERT INTO carried_notes(note) VALUES ('carried')");
            cmd.ExecuteNonQuery();
        }

        public override void Committed() => Outcome = Outcome is null ? "committed" : throw new InvalidOperationException("told twice");

        public override void Failed(Exception error) => Outcome = Outcome is null ? "failed" : throw new InvalidOperationException("told twice");
    }

    private static async Task<CarriedNote> CarriedNoteAsync(PipelineHarness h)
    {
        await h.Database.EnsureSchemaAsync("CREATE TABLE IF NOT EXISTS carried_notes(note TEXT NOT NULL)");
        return new CarriedNote(h.Database);
    }

    private static long Notes(PipelineHarness h) => h.Database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM carried_notes";
        return (long)cmd.ExecuteScalar()!;
    });
}
