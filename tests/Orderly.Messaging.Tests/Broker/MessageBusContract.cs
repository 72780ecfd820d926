using System.Diagnostics;
using System.Text;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;

namespace Orderly.Messaging.Tests.Broker;

/// <summary>
/// What every bus behind the Orderly ports must do, written once against the ports (<see cref="IMessagePublisher"/>,
/// <see cref="IMessageReceiver"/>, <see cref="IDeadLetterQueue"/>) so the embedded broker and Service Bus run the same suite.
/// An implementation supplies the entities (declared with <see cref="LockDuration"/>, <see cref="MaxDeliveryCount"/> and,
/// for <see cref="ShortWindowQueue"/>, <see cref="ShortDuplicateWindow"/>) and a way to restart its client.
/// </summary>
public abstract class MessageBusContract
{
    private readonly EnvelopeFactory _envelopes = new("/orderly/tests", TimeProvider.System);

    protected abstract IMessagePublisher Publisher { get; }
    protected abstract IMessageReceiver Receiver { get; }
    protected abstract IDeadLetterQueue DeadLetters { get; }

    /// <summary>A queue with <see cref="LockDuration"/>, <see cref="MaxDeliveryCount"/> and a long duplicate window.</summary>
    protected abstract string Queue { get; }

    /// <summary>A queue whose duplicate window is <see cref="ShortDuplicateWindow"/>.</summary>
    protected abstract string ShortWindowQueue { get; }

    protected abstract string Topic { get; }
    protected abstract IReadOnlyList<string> TopicSubscriptions { get; }
    protected abstract TimeSpan LockDuration { get; }
    protected abstract int MaxDeliveryCount { get; }
    protected abstract TimeSpan ShortDuplicateWindow { get; }

    /// <summary>Sends bytes as they are (no envelope): the bus must carry what it is given.</summary>
    protected abstract Task SendRawAsync(string destination, string messageId, byte[] body);

    /// <summary>Drops every client and connects again (embedded: dispose the database and reopen the file).</summary>
    protected abstract Task RestartAsync();

    /// <summary>True if <paramref name="error"/> is this bus's "lock lost" failure of a settlement.</summary>
    protected abstract bool IsLockLost(Exception error);

    /// <summary>Receives until <paramref name="count"/> messages arrived or <paramref name="within"/> passed, waiting on the bus, not spinning.</summary>
    protected abstract Task<IReadOnlyList<LockedMessage>> ReceiveWithinAsync(string entity, int count, TimeSpan within);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Sent_message_is_received_and_gone_once_completed()
    {
        var sent = Command("o-1", Queue);
        await Publisher.PublishAsync([sent]);

        var received = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        Assert.Equal(sent.MessageId, received.Message.MessageId);
        Assert.Equal(1, received.Message.DeliveryCount);
        Assert.Equal(sent.Envelope.Id, EnvelopeJson.Parse(received.Message.Body.Span).Id);
        await received.Settlement.CompleteAsync();

        // Not even after its lock would have expired.
        Assert.Empty(await ReceiveWithinAsync(Queue, 1, LockDuration * 2));
    }

    [Fact]
    public async Task Topic_publish_reaches_every_subscription()
    {
        var sent = Command("o-2", Topic);
        await Publisher.PublishAsync([sent]);

        foreach (var subscription in TopicSubscriptions)
        {
            var copy = Assert.Single(await ReceiveWithinAsync(subscription, 1, Patience));
            Assert.Equal(sent.MessageId, copy.Message.MessageId);
            await copy.Settlement.CompleteAsync();
        }
    }

    [Fact]
    public async Task Expired_lock_redelivers_with_delivery_count_plus_one_and_the_old_lock_cannot_settle()
    {
        await Publisher.PublishAsync([Command("o-3", Queue)]);
        var first = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));

        Assert.Empty(await Receiver.ReceiveAsync(Queue, 1)); // locked: nobody else gets it meanwhile
        var second = Assert.Single(await ReceiveWithinAsync(Queue, 1, LockDuration * 10));

        Assert.Equal(first.Message.MessageId, second.Message.MessageId);
        Assert.Equal(2, second.Message.DeliveryCount);
        Assert.True(IsLockLost(await Assert.ThrowsAnyAsync<Exception>(() => first.Settlement.CompleteAsync())));
        await second.Settlement.CompleteAsync();
    }

    [Fact]
    public async Task Retry_later_hides_the_message_until_the_delay_has_passed()
    {
        var delay = TimeSpan.FromMilliseconds(800);
        await Publisher.PublishAsync([Command("o-4", Queue)]);
        var first = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        var clock = Stopwatch.StartNew();
        await first.Settlement.RetryLaterAsync(delay, spendsAttempt: true);

        Assert.Empty(await ReceiveWithinAsync(Queue, 1, delay / 2));
        var again = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));

        Assert.True(clock.Elapsed >= delay - TimeSpan.FromMilliseconds(50), $"redelivered after {clock.Elapsed}");
        Assert.Equal(2, again.Message.DeliveryCount);
        await again.Settlement.CompleteAsync();
    }

    [Fact]
    public async Task Exceeding_max_delivery_count_dead_letters_with_the_reason()
    {
        var sent = Command("o-5", Queue);
        await Publisher.PublishAsync([sent]);
        for (var attempt = 1; attempt <= MaxDeliveryCount; attempt++)
        {
            var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
            Assert.Equal(attempt, delivery.Message.DeliveryCount);
            await delivery.Settlement.RetryLaterAsync(TimeSpan.Zero, spendsAttempt: true);
        }

        Assert.Empty(await ReceiveWithinAsync(Queue, 1, TimeSpan.FromMilliseconds(200)));
        var dead = Assert.Single(await DeadLetters.ListAsync(Queue));
        Assert.Equal(sent.MessageId, dead.MessageId);
        Assert.Equal("MaxDeliveryCountExceeded", dead.Reason);
        Assert.Equal(MaxDeliveryCount, dead.DeliveryCount);
        Assert.Equal(DeadLetterStatus.Pending, dead.Status);
    }

    [Fact]
    public async Task Explicit_dead_letter_keeps_reason_description_and_body()
    {
        var sent = Command("o-6", Queue);
        await Publisher.PublishAsync([sent]);
        var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        await delivery.Settlement.DeadLetterAsync("UnknownMessageType", "type 'x' is not in the catalog");

        Assert.Empty(await ReceiveWithinAsync(Queue, 1, TimeSpan.FromMilliseconds(200)));
        var dead = Assert.Single(await DeadLetters.ListAsync(Queue, DeadLetterStatus.Pending));
        Assert.Equal("UnknownMessageType", dead.Reason);
        Assert.Equal("type 'x' is not in the catalog", dead.Description);
        Assert.Equal(delivery.Message.Body.ToArray(), dead.Body.ToArray());
        Assert.Equal(1, dead.DeliveryCount);
        Assert.True(dead.FirstFailureAt <= dead.LastFailureAt);
    }

    [Fact]
    public async Task Same_message_id_within_the_duplicate_window_is_dropped()
    {
        var sent = Command("o-7", Queue);
        await Publisher.PublishAsync([sent]);
        await Publisher.PublishAsync([sent]); // a relay retry

        // Look for a second copy for less than a lock duration, so a redelivery of the first cannot pass for it.
        var first = Assert.Single(await ReceiveWithinAsync(Queue, 2, LockDuration / 2));
        await first.Settlement.CompleteAsync();
        await Publisher.PublishAsync([sent]); // even after the first was consumed
        Assert.Empty(await ReceiveWithinAsync(Queue, 1, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Same_message_id_after_the_duplicate_window_is_delivered_again()
    {
        var sent = Command("o-8", ShortWindowQueue);
        await Publisher.PublishAsync([sent]);
        var first = Assert.Single(await ReceiveWithinAsync(ShortWindowQueue, 1, Patience));
        await first.Settlement.CompleteAsync();

        await Task.Delay(ShortDuplicateWindow + TimeSpan.FromMilliseconds(100)); // the condition is the passing of time itself
        await Publisher.PublishAsync([sent]);

        var again = Assert.Single(await ReceiveWithinAsync(ShortWindowQueue, 1, Patience));
        Assert.Equal(sent.MessageId, again.Message.MessageId);
    }

    [Fact]
    public async Task Scheduled_message_stays_invisible_until_its_time()
    {
        var at = DateTimeOffset.UtcNow.AddMilliseconds(700);
        await Publisher.PublishAsync([Command("o-9", Queue) with { ScheduledFor = at }]);

        Assert.Empty(await ReceiveWithinAsync(Queue, 1, TimeSpan.FromMilliseconds(300)));
        var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        Assert.True(DateTimeOffset.UtcNow >= at.AddMilliseconds(-50), "delivered before its scheduled time");
        await delivery.Settlement.CompleteAsync();
    }

    [Fact]
    public async Task Messages_visible_at_the_same_time_arrive_in_send_order()
    {
        var batch = Enumerable.Range(0, 20).Select(i => Command($"batch-{i}", Queue)).ToList();
        await Publisher.PublishAsync(batch);
        var singles = Enumerable.Range(0, 10).Select(i => Command($"single-{i}", Queue)).ToList();
        foreach (var m in singles) await Publisher.PublishAsync([m]);

        var received = new List<string>();
        while (received.Count < 30)
        {
            var got = await ReceiveWithinAsync(Queue, Math.Min(7, 30 - received.Count), Patience);
            Assert.NotEmpty(got);
            received.AddRange(got.Select(m => m.Message.MessageId));
            await Task.WhenAll(got.Select(m => m.Settlement.CompleteAsync()));
        }
        Assert.Equal(batch.Concat(singles).Select(m => m.MessageId), received);
    }

    [Fact]
    public async Task Sent_messages_survive_a_restart()
    {
        var sent = Enumerable.Range(0, 3).Select(i => Command($"durable-{i}", Queue)).ToList();
        await Publisher.PublishAsync(sent);
        await RestartAsync();

        var received = await ReceiveWithinAsync(Queue, 3, Patience);
        Assert.Equal(sent.Select(m => m.MessageId), received.Select(m => m.Message.MessageId));
    }

    [Fact]
    public async Task Malformed_body_is_delivered_as_the_bytes_sent()
    {
        var garbage = Encoding.UTF8.GetBytes("{\"specversion\": \"1.0\", not json at all");
        await SendRawAsync(Queue, "malformed-1", garbage);

        var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        Assert.Equal("malformed-1", delivery.Message.MessageId);
        Assert.Equal(garbage, delivery.Message.Body.ToArray());
    }

    [Fact]
    public async Task Dead_letters_are_listed_by_entity_and_status_and_shown_in_full()
    {
        await Publisher.PublishAsync([Command("dl-1", Queue), Command("dl-2", Queue), Command("ok-3", Queue)]);
        var deliveries = await ReceiveWithinAsync(Queue, 3, Patience);
        await deliveries[0].Settlement.DeadLetterAsync("ContractViolation", "field 'orderId' is missing");
        await deliveries[1].Settlement.DeadLetterAsync("HandlerFailed", "boom");
        await deliveries[2].Settlement.CompleteAsync();

        var listed = await DeadLetters.ListAsync(Queue, DeadLetterStatus.Pending);
        Assert.Equal([deliveries[0].Message.MessageId, deliveries[1].Message.MessageId], listed.Select(d => d.MessageId));
        Assert.Empty(await DeadLetters.ListAsync(Queue, DeadLetterStatus.Ignored));
        Assert.Empty(await DeadLetters.ListAsync(ShortWindowQueue));

        var shown = await DeadLetters.ShowAsync(listed[0].Id);
        Assert.NotNull(shown);
        Assert.Equal("ContractViolation", shown.Reason);
        Assert.Equal("field 'orderId' is missing", shown.Description);
        Assert.Equal(Queue, shown.Entity);
        Assert.Equal(deliveries[0].Message.Body.ToArray(), shown.Body.ToArray());
        Assert.Null(await DeadLetters.ShowAsync("no-such-dead-letter"));
    }

    [Fact]
    public async Task Resubmitted_dead_letter_is_delivered_again_under_a_new_id_that_names_the_original()
    {
        await Publisher.PublishAsync([Command("fix-me", Queue)]);
        var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        await delivery.Settlement.DeadLetterAsync("ContractViolation", "bad quantity");
        var dead = Assert.Single(await DeadLetters.ListAsync(Queue));

        var fixedBody = EnvelopeJson.Serialize(_envelopes.Create(new ReleaseStock("fixed"), "fixed"));
        var newId = await DeadLetters.ResubmitAsync(dead.Id, Operator, fixedBody);

        var again = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        Assert.Equal(newId, again.Message.MessageId);
        Assert.NotEqual(dead.MessageId, newId);
        Assert.Equal(dead.MessageId, again.Message.Properties["orderly-original-message-id"]);
        Assert.Equal(fixedBody, again.Message.Body.ToArray());
        Assert.Equal(1, again.Message.DeliveryCount);

        var after = await DeadLetters.ShowAsync(dead.Id);
        Assert.Equal(DeadLetterStatus.Resubmitted, after!.Status);
        Assert.Equal(newId, after.ResubmittedAsMessageId);
        Assert.Equal(dead.Body.ToArray(), after.Body.ToArray()); // the original stays as it was
        await Assert.ThrowsAsync<DeadLetterConflictException>(() => DeadLetters.ResubmitAsync(dead.Id, Operator));
    }

    [Fact]
    public async Task Ignored_dead_letter_keeps_its_note_and_is_not_deleted()
    {
        await Publisher.PublishAsync([Command("ignore-me", Queue)]);
        var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        await delivery.Settlement.DeadLetterAsync("HandlerFailed", "order was deleted by hand");
        var dead = Assert.Single(await DeadLetters.ListAsync(Queue));

        await DeadLetters.MarkIgnoredAsync(dead.Id, Operator, "test order, safe to drop");

        Assert.Empty(await DeadLetters.ListAsync(Queue, DeadLetterStatus.Pending));
        var ignored = Assert.Single(await DeadLetters.ListAsync(Queue, DeadLetterStatus.Ignored));
        Assert.Equal("test order, safe to drop", ignored.Note);
        Assert.Equal(dead.Body.ToArray(), ignored.Body.ToArray());
        Assert.Equal("HandlerFailed", ignored.Reason);
        Assert.Empty(await ReceiveWithinAsync(Queue, 1, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Every_decision_is_in_the_trail_with_its_actor_time_note_and_the_original_and_edited_bodies()
    {
        var dead = await DeadLetterAsync("trail", "ContractViolation", "bad quantity");
        var edited = EnvelopeJson.Serialize(_envelopes.Create(new ReleaseStock("trail-fixed"), "trail"));
        var before = DateTimeOffset.UtcNow;

        await DeadLetters.MarkIgnoredAsync(dead.Id, "ops-ada", "waiting for the inventory fix");
        var newId = await DeadLetters.ResubmitAsync(dead.Id, "ops-grace", edited, "fixed by hand after the deploy");

        var trail = await DeadLetters.TrailAsync(dead.Id);
        Assert.Equal([DeadLetterAction.DeadLettered, DeadLetterAction.Ignored, DeadLetterAction.Resubmitted], trail.Select(t => t.Action));
        Assert.Equal([DeadLetterTriage.SystemActor, "ops-ada", "ops-grace"], trail.Select(t => t.Actor));
        Assert.Equal("ContractViolation: bad quantity", trail[0].Note);
        Assert.Equal("waiting for the inventory fix", trail[1].Note);
        Assert.Equal("fixed by hand after the deploy", trail[2].Note);
        Assert.Equal(newId, trail[2].ResubmittedAsMessageId);
        Assert.Equal(dead.Body.ToArray(), trail[2].OriginalBody?.ToArray());
        Assert.Equal(edited, trail[2].EditedBody?.ToArray());
        Assert.Null(trail[1].OriginalBody);
        Assert.True(trail[1].At >= before.AddSeconds(-1) && trail[1].At <= trail[2].At, "decisions are stamped when they are made, in order");
        var shown = await DeadLetters.ShowAsync(dead.Id);
        Assert.Equal(DeadLetterStatus.Resubmitted, shown!.Status);
        Assert.Equal("fixed by hand after the deploy", shown.Note);
    }

    [Fact]
    public async Task An_unedited_resubmit_keeps_the_original_body_and_no_edited_one()
    {
        var dead = await DeadLetterAsync("as-is", "HandlerFailed", "db down");

        await DeadLetters.ResubmitAsync(dead.Id, Operator);

        var resubmit = (await DeadLetters.TrailAsync(dead.Id))[^1];
        Assert.Equal(DeadLetterAction.Resubmitted, resubmit.Action);
        Assert.Equal(dead.Body.ToArray(), resubmit.OriginalBody?.ToArray());
        Assert.Null(resubmit.EditedBody);
        Assert.Null(resubmit.Note);
        var again = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        Assert.Equal(dead.Body.ToArray(), again.Message.Body.ToArray());
    }

    [Fact]
    public async Task Ignoring_twice_is_refused_and_the_first_note_stays()
    {
        var dead = await DeadLetterAsync("ignore-twice", "HandlerFailed", "boom");
        await DeadLetters.MarkIgnoredAsync(dead.Id, "ops-ada", "first look: harmless");

        var refused = await Assert.ThrowsAsync<DeadLetterConflictException>(() => DeadLetters.MarkIgnoredAsync(dead.Id, "ops-grace", "second look"));

        Assert.Equal(DeadLetterStatus.Ignored, refused.Letter.Status);
        Assert.Equal("first look: harmless", (await DeadLetters.ShowAsync(dead.Id))!.Note);
        Assert.Equal(2, (await DeadLetters.TrailAsync(dead.Id)).Count);
    }

    [Fact]
    public async Task Resubmitting_twice_is_refused_and_sends_nothing_more()
    {
        var dead = await DeadLetterAsync("resubmit-twice", "HandlerFailed", "boom");
        await DeadLetters.ResubmitAsync(dead.Id, Operator);
        await Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience)).Settlement.CompleteAsync();

        await Assert.ThrowsAsync<DeadLetterConflictException>(() => DeadLetters.ResubmitAsync(dead.Id, Operator));

        Assert.Empty(await ReceiveWithinAsync(Queue, 1, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(2, (await DeadLetters.TrailAsync(dead.Id)).Count);
    }

    [Fact]
    public async Task Ignoring_a_resubmitted_dead_letter_is_refused()
    {
        var dead = await DeadLetterAsync("resubmitted-then-ignored", "HandlerFailed", "boom");
        await DeadLetters.ResubmitAsync(dead.Id, Operator);

        await Assert.ThrowsAsync<DeadLetterConflictException>(() => DeadLetters.MarkIgnoredAsync(dead.Id, Operator, "too late"));
        Assert.Equal(DeadLetterStatus.Resubmitted, (await DeadLetters.ShowAsync(dead.Id))!.Status);
    }

    [Fact]
    public async Task An_ignored_dead_letter_can_still_be_resubmitted_and_is_delivered_again()
    {
        var dead = await DeadLetterAsync("changed-mind", "HandlerFailed", "provider down");
        await DeadLetters.MarkIgnoredAsync(dead.Id, "ops-ada", "provider outage, will not retry");

        var newId = await DeadLetters.ResubmitAsync(dead.Id, "ops-grace", note: "provider is back");

        var again = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        Assert.Equal(newId, again.Message.MessageId);
        Assert.Equal(dead.Body.ToArray(), again.Message.Body.ToArray());
        Assert.Equal(DeadLetterStatus.Resubmitted, (await DeadLetters.ShowAsync(dead.Id))!.Status);
    }

    [Fact]
    public async Task An_edit_cannot_change_the_message_type_and_nothing_is_sent()
    {
        var dead = await DeadLetterAsync("retype", "ContractViolation", "bad");
        var otherType = EnvelopeJson.Serialize(_envelopes.Create(new CommitStock("retype"), "retype"));

        var refused = await Assert.ThrowsAsync<DeadLetterEditRejectedException>(() => DeadLetters.ResubmitAsync(dead.Id, Operator, otherType));

        Assert.Equal("type", refused.Problem.Field);
        Assert.Contains("orderly.inventory.release-stock.v1", refused.Problem.Message, StringComparison.Ordinal);
        Assert.Empty(await ReceiveWithinAsync(Queue, 1, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(DeadLetterStatus.Pending, (await DeadLetters.ShowAsync(dead.Id))!.Status);
        Assert.Single(await DeadLetters.TrailAsync(dead.Id));
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("{\"type\": \"orderly.inventory.release-stock.v1\", \"type\": \"orderly.inventory.commit-stock.v1\"}", "body")]
    [InlineData("{\"type\": \"orderly.inventory.release-stock.v1\", \"data\": {\"orderId\": \"\\ud800\"}}", "body")]
    [InlineData("{\"specversion\": \"1.0\", \"data\": {}}", "type")]
    [InlineData("{\"type\": 42}", "type")]
    [InlineData("{\"specversion\": \"1.0\", \"type\": \"orderly.inventory.release-stock.v1\", \"data\": {\"orderId\": \"o-1\"}}", "envelope")]
    [InlineData("{\"specversion\": \"1.0\", \"id\": \"e-1\", \"source\": \"/ops\", \"time\": \"2026-12-02T10:00:00Z\", \"correlationid\": \"o-1\", \"type\": \"orderly.inventory.release-stock.v1\", \"data\": {\"orderId\": \"\"}}", "data.orderId")]
    public async Task An_edit_must_be_one_readable_json_envelope_with_the_original_type_that_keeps_its_contract(string edited, string field)
    {
        var dead = await DeadLetterAsync("bad-edit", "ContractViolation", "bad");

        var refused = await Assert.ThrowsAsync<DeadLetterEditRejectedException>(() =>
            DeadLetters.ResubmitAsync(dead.Id, Operator, Encoding.UTF8.GetBytes(edited)));

        Assert.Equal(field, refused.Problem.Field);
        Assert.Equal(DeadLetterStatus.Pending, (await DeadLetters.ShowAsync(dead.Id))!.Status);
    }

    [Fact]
    public async Task A_malformed_dead_letter_may_be_replaced_by_any_envelope_with_a_type()
    {
        await SendRawAsync(Queue, "garbled-1", Encoding.UTF8.GetBytes("{\"specversion\": \"1.0\", not json"));
        var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        await delivery.Settlement.DeadLetterAsync("MalformedJson", "not JSON");
        var dead = Assert.Single(await DeadLetters.ListAsync(Queue));
        var envelope = EnvelopeJson.Serialize(_envelopes.Create(new CommitStock("rebuilt"), "rebuilt"));

        await DeadLetters.ResubmitAsync(dead.Id, Operator, envelope, "rebuilt from the order");

        var again = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        Assert.Equal(envelope, again.Message.Body.ToArray());
    }

    [Fact]
    public async Task Deciding_on_an_unknown_dead_letter_is_not_found_and_its_trail_is_empty()
    {
        await Assert.ThrowsAsync<DeadLetterNotFoundException>(() => DeadLetters.ResubmitAsync("no-such-dead-letter", Operator));
        await Assert.ThrowsAsync<DeadLetterNotFoundException>(() => DeadLetters.MarkIgnoredAsync("no-such-dead-letter", Operator, "gone"));
        Assert.Empty(await DeadLetters.TrailAsync("no-such-dead-letter"));
    }

    [Theory]
    [InlineData("", "why", "actor")]
    [InlineData("ops-ada", " ", "note")]
    [InlineData("ops-ada", "half a pair {lone surrogate}", "note")]
    public async Task A_decision_names_its_actor_and_an_ignore_says_why(string actor, string note, string parameter)
    {
        var dead = await DeadLetterAsync("who", "HandlerFailed", "boom");

        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            DeadLetters.MarkIgnoredAsync(dead.Id, actor, note.Replace("{lone surrogate}", "\ud800", StringComparison.Ordinal)));

        Assert.Equal(parameter, refused.ParamName);
        Assert.Equal(DeadLetterStatus.Pending, (await DeadLetters.ShowAsync(dead.Id))!.Status);
    }

    /// <summary>An operator's subject, as the HTTP layer passes it.</summary>
    protected const string Operator = "ops-test";

    /// <summary>
    /// Sends a command to <see cref="Queue"/>, dead-letters it with the reason, and returns it as triage lists it. A lock that
    /// expired between receive and dead-letter (a busy machine, a cold start) only means receiving the message again.
    /// </summary>
    private async Task<DeadLetteredMessage> DeadLetterAsync(string orderId, string reason, string description)
    {
        var sent = Command(orderId, Queue);
        await Publisher.PublishAsync([sent]);
        for (var attempt = 1; ; attempt++)
        {
            var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
            try
            {
                await delivery.Settlement.DeadLetterAsync(reason, description);
                break;
            }
            catch (Exception e) when (attempt < 3 && IsLockLost(e))
            {
            }
        }
        return Assert.Single(await DeadLetters.ListAsync(Queue, DeadLetterStatus.Pending), d => d.MessageId == sent.MessageId);
    }

    /// <summary>A command to <paramref name="destination"/> with a fresh message id.</summary>
    protected OutgoingMessage Command(string orderId, string destination) =>
        new(destination, _envelopes.Create(new ReleaseStock(orderId), correlationId: orderId));
}
