using System.Collections.Concurrent;
using System.Diagnostics;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Embedded.Broker;

namespace Orderly.Messaging.Tests.Broker;

/// <summary>The consumer loop the local host runs per entity: bounded concurrency, clean stop, nothing lost on failure.</summary>
public sealed class EmbeddedConsumerTests : IAsyncLifetime
{
    private readonly EnvelopeFactory _envelopes = new("/orderly/tests", TimeProvider.System);
    private EmbeddedBrokerFixture _bus = null!;

    public async Task InitializeAsync() => _bus = await EmbeddedBrokerFixture.StartAsync();

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Every_message_is_handled_once_and_never_more_than_the_concurrency_limit_at_a_time()
    {
        const int count = 60;
        const int limit = 4;
        var handled = new ConcurrentDictionary<string, int>();
        var running = 0;
        var peak = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new EmbeddedConsumer(_bus.Broker, EmbeddedBrokerFixture.LongLockQueue, async (m, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(5, ct);
            Interlocked.Decrement(ref running);
            await m.Settlement.CompleteAsync(ct);
            if (handled.AddOrUpdate(m.Message.MessageId, 1, (_, n) => n + 1) == 1 && handled.Count == count) allDone.TrySetResult();
        }, new EmbeddedConsumerOptions { MaxConcurrency = limit });

        using var stop = new CancellationTokenSource();
        var run = consumer.RunAsync(stop.Token);
        await _bus.Broker.PublishAsync(Enumerable.Range(0, count).Select(i => Command($"c{i}")).ToList());
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(count, handled.Count);
        Assert.All(handled.Values, n => Assert.Equal(1, n));
        Assert.InRange(peak, 2, limit);
        Assert.Equal(0, _bus.Broker.ActiveMessageCount(EmbeddedBrokerFixture.LongLockQueue));
    }

    [Fact]
    public async Task Stopping_waits_for_in_flight_work_to_finish()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = false;
        var consumer = new EmbeddedConsumer(_bus.Broker, EmbeddedBrokerFixture.LongLockQueue, async (m, ct) =>
        {
            started.TrySetResult();
            await release.Task;
            await m.Settlement.CompleteAsync(CancellationToken.None);
            completed = true;
        });
        await _bus.Broker.PublishAsync([Command("slow")]);
        using var stop = new CancellationTokenSource();
        var run = consumer.RunAsync(stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        await stop.CancelAsync();
        Assert.False(run.IsCompleted); // still finishing the message in hand
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(completed);
        Assert.Equal(0, _bus.Broker.ActiveMessageCount(EmbeddedBrokerFixture.LongLockQueue));
    }

    [Fact]
    public async Task A_delegate_that_throws_gets_the_message_again_rather_than_losing_it()
    {
        var attempts = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new EmbeddedConsumer(_bus.Broker, EmbeddedBrokerFixture.LongLockQueue, async (m, ct) =>
        {
            attempts.Enqueue(m.Message.DeliveryCount);
            if (m.Message.DeliveryCount == 1) throw new InvalidOperationException("store unavailable");
            await m.Settlement.CompleteAsync(ct);
            done.TrySetResult();
        });
        await _bus.Broker.PublishAsync([Command("flaky")]);
        using var stop = new CancellationTokenSource();
        var run = consumer.RunAsync(stop.Token);

        // The queue's lock is 5 minutes: only the consumer releasing the message can explain a quick second delivery.
        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await run;
        Assert.Equal([1, 2], attempts);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    [Fact]
    public async Task A_store_that_fails_for_a_while_pauses_the_consumer_which_says_so_and_then_resumes_by_itself()
    {
        var loops = new Orderly.Resilience.BackgroundLoops(TimeProvider.System);
        var report = loops.For("consumer " + EmbeddedBrokerFixture.LongLockQueue);
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new EmbeddedConsumer(_bus.Broker, EmbeddedBrokerFixture.LongLockQueue, async (m, ct) =>
        {
            await m.Settlement.CompleteAsync(ct);
            handled.TrySetResult();
        }, new EmbeddedConsumerOptions { IdleWait = TimeSpan.FromMilliseconds(100) }, report: report);
        await _bus.Broker.PublishAsync([Command("during-outage")]);

        _bus.Database.Faults.FailFor(TimeSpan.FromSeconds(3));
        using var stop = new CancellationTokenSource();
        var run = consumer.RunAsync(stop.Token);
        // Polled, not a fixed wait: on a busy machine the loop's first receive can come later than half a second.
        var said = Stopwatch.StartNew();
        while (!report.State.IsFailing && said.Elapsed < TimeSpan.FromSeconds(2.5)) await Task.Delay(20);
        Assert.True(report.State.IsFailing, "the consumer should report that it is retrying");
        Assert.Contains("disk I/O error", report.State.LastError, StringComparison.Ordinal);
        Assert.False(run.IsCompleted, "a store fault must not end the consumer loop");

        await handled.Task.WaitAsync(TimeSpan.FromSeconds(15)); // the window shuts after 3 s; the loop picks up by itself
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(report.State.IsFailing);
        Assert.Equal(0, _bus.Broker.ActiveMessageCount(EmbeddedBrokerFixture.LongLockQueue));
    }

    private OutgoingMessage Command(string orderId) =>
        new(EmbeddedBrokerFixture.LongLockQueue, _envelopes.Create(new ReleaseStock(orderId), correlationId: orderId));
}
