using System.Text;
using Orderly.Messaging.Tests.Pipeline;

namespace Orderly.Messaging.Tests.Faults;

public sealed class ThrowingHandlerTests
{
    [Fact]
    public async Task The_messages_behind_one_whose_handler_always_throws_are_all_handled_and_it_is_dead_lettered_with_its_reason()
    {
        await using var h = await PipelineHarness.StartAsync(maxDeliveryCount: 4);
        h.Probe.Before = m => m.OrderId == "o-poison" ? throw new InvalidOperationException("the handler cannot apply o-poison") : Task.CompletedTask;
        await h.SendAsync(PipelineHarness.ConfirmOrderBody("o-poison"));
        for (var i = 0; i < 50; i++) await h.SendAsync(PipelineHarness.ConfirmOrderBody($"o-{i}"));

        await h.ConsumeUntilAsync(async () => (await h.DeadLettersAsync()).Count == 1 && h.Broker.ActiveMessageCount(PipelineHarness.Queue) == 0);

        for (var i = 0; i < 50; i++) Assert.Equal(1, (await h.EffectOfAsync($"o-{i}"))?.Count);
        var dead = Assert.Single(await h.DeadLettersAsync());
        Assert.Contains("o-poison", Encoding.UTF8.GetString(dead.Body.Span), StringComparison.Ordinal);
        Assert.Contains("the handler cannot apply o-poison", dead.Description, StringComparison.Ordinal);
        Assert.Equal(4, dead.DeliveryCount);
        Assert.Null(await h.EffectOfAsync("o-poison"));
    }
}
