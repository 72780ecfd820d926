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
        await first.Settlement.RetryLaterAsync(delay);

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
            await delivery.Settlement.RetryLaterAsync(TimeSpan.Zero);
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
        var newId = await DeadLetters.ResubmitAsync(dead.Id, fixedBody);

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
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => DeadLetters.ResubmitAsync(dead.Id));
    }

    [Fact]
    public async Task Ignored_dead_letter_keeps_its_note_and_is_not_deleted()
    {
        await Publisher.PublishAsync([Command("ignore-me", Queue)]);
        var delivery = Assert.Single(await ReceiveWithinAsync(Queue, 1, Patience));
        await delivery.Settlement.DeadLetterAsync("HandlerFailed", "order was deleted by hand");
        var dead = Assert.Single(await DeadLetters.ListAsync(Queue));

        await DeadLetters.MarkIgnoredAsync(dead.Id, "test order, safe to drop");

        Assert.Empty(await DeadLetters.ListAsync(Queue, DeadLetterStatus.Pending));
        var ignored = Assert.Single(await DeadLetters.ListAsync(Queue, DeadLetterStatus.Ignored));
        Assert.Equal("test order, safe to drop", ignored.Note);
        Assert.Equal(dead.Body.ToArray(), ignored.Body.ToArray());
        Assert.Equal("HandlerFailed", ignored.Reason);
        Assert.Empty(await ReceiveWithinAsync(Queue, 1, TimeSpan.FromMilliseconds(200)));
    }

    /// <summary>A command to <paramref name="destination"/> with a fresh message id.</summary>
    protected OutgoingMessage Command(string orderId, string destination) =>
        new(destination, _envelopes.Create(new ReleaseStock(orderId), correlationId: orderId));
}
