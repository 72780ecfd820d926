using Orderly.Resilience;

namespace Orderly.Storage.Tests;

/// <summary>The one lost-race rule (<see cref="RaceRetry"/>) on the real embedded store, with a rival writer that gets in first.</summary>
public sealed class RaceRetryTests(EmbeddedDatabaseFixture fixture) : IClassFixture<EmbeddedDatabaseFixture>
{
    public sealed record Counter(int Value);

    private static readonly RaceRetry Quick = new(4, new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)));

    private IDocumentStore Store => fixture.Store;

    /// <summary>Adds one to the counter by load, decide, save; the rival writes between our read and our write <paramref name="rivalWins"/> times.</summary>
    private async Task<int> IncrementAsync(string pk, RaceRetry retry, int rivalWins, Action<int>? attempted = null)
    {
        var attempts = 0;
        return await retry.RunAsync($"counter '{pk}'", async ct =>
        {
            attempted?.Invoke(++attempts);
            var doc = (await Store.ReadAsync(pk, "counter", ct))!;
            var next = doc.As<Counter>().Value + 1;
            if (attempts <= rivalWins)
                await Store.ReplaceAsync(pk, "counter", "counter", new Counter(doc.As<Counter>().Value + 100), doc.ETag, ct);
            await Store.ReplaceAsync(pk, "counter", "counter", new Counter(next), doc.ETag, ct);
            return next;
        }, CancellationToken.None);
    }

    [Fact]
    public async Task A_lost_race_is_decided_again_on_fresh_reads()
    {
        var pk = "p-" + Guid.NewGuid().ToString("N");
        await Store.CreateAsync(pk, "counter", "counter", new Counter(0));
        var attempts = 0;

        var written = await IncrementAsync(pk, Quick, rivalWins: 2, attempted: n => attempts = n);

        // Two rival writes of +100 each, then ours on top of them: nothing the rival wrote was overwritten.
        Assert.Equal((201, 3), (written, attempts));
        Assert.Equal(201, (await Store.ReadAsync(pk, "counter"))!.As<Counter>().Value);
    }

    [Fact]
    public async Task A_race_lost_every_time_ends_in_a_RaceLostException_saying_what_and_how_often()
    {
        var pk = "p-" + Guid.NewGuid().ToString("N");
        await Store.CreateAsync(pk, "counter", "counter", new Counter(0));

        var lost = await Assert.ThrowsAsync<RaceLostException>(() => IncrementAsync(pk, Quick, rivalWins: int.MaxValue));

        Assert.Equal(4, lost.Attempts);
        Assert.True(lost.IsTransient);
        Assert.IsType<ConcurrencyException>(lost.InnerException);
        Assert.StartsWith($"Gave up writing counter '{pk}' after 4 attempts", lost.Message, StringComparison.Ordinal);
        Assert.Equal(400, (await Store.ReadAsync(pk, "counter"))!.As<Counter>().Value); // only the rival's writes
    }

    [Fact]
    public async Task A_failure_that_is_not_a_lost_race_is_not_retried()
    {
        var calls = 0;
        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Quick.RunAsync<int>("nothing", _ =>
        {
            calls++;
            throw new DocumentNotFoundException("gone");
        }, CancellationToken.None));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void A_rule_with_no_attempt_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RaceRetry(0, Backoff.Default));
    }
}
