using Orderly.Contracts;
using Orderly.Messaging.Tests.Pipeline;

namespace Orderly.Messaging.Tests.Faults;

public sealed class MalformedMessageTests
{
    [Fact]
    public async Task The_100_good_messages_behind_a_malformed_one_are_all_handled()
    {
        await using var h = await PipelineHarness.StartAsync();
        await h.SendAsync("{ this is not json");
        for (var i = 0; i < 100; i++) await h.SendAsync(PipelineHarness.ConfirmOrderBody($"o-{i}"));

        await h.ConsumeUntilAsync(() => Task.FromResult(h.Broker.ActiveMessageCount(PipelineHarness.Queue) == 0));

        var dead = Assert.Single(await h.DeadLettersAsync());
        Assert.Equal(ContractViolationReason.MalformedJson, dead.Reason);
        for (var i = 0; i < 100; i++) Assert.Equal(1, (await h.EffectOfAsync($"o-{i}"))?.Count);
        Assert.Equal(100, h.Probe.Invocations);
        Assert.Equal(100, (await h.PendingOutboxAsync()).Count);
    }
}
