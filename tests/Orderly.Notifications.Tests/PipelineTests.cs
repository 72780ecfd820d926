using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Messaging;

namespace Orderly.Notifications.Tests;

/// <summary>The notifications module wired into the real consumer pipeline, as a host wires it.</summary>
public sealed class PipelineTests : IAsyncLifetime
{
    private readonly NotificationsHarness _n = new();
    private ServiceProvider _services = null!;
    private Orderly.ConsumerPipeline.ConsumerPipeline _pipeline = null!;

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_n.Clock);
        services.AddKeyedSingleton(NotificationsModule.Name, _n.Store);
        services.AddNotificationsContext(configuration);
        services.AddConsumerPipeline(configuration);
        _services = services.BuildServiceProvider();
        _pipeline = _services.GetRequiredService<Orderly.ConsumerPipeline.ConsumerPipeline>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _n.DisposeAsync();
    }

    [Fact]
    public async Task Order_events_on_the_notifications_subscription_are_sent_once_each()
    {
        Assert.Equal(["orders-events/subscriptions/notifications"], _pipeline.Entities);
        var entity = EntityPath.Subscription(Destinations.OrdersEvents, "notifications");
        var events = new EnvelopeFactory("/orderly/orders", _n.Clock);
        var at = _n.Clock.GetUtcNow();
        var placed = events.Create(new OrderPlaced("o-1", "c-1", [new OrderLine("A", 1)],
            new ShippingAddress("Ada", "1 Road", "London", "N1", "GB"), "tok", at), "o-1");
        // The same event published twice by a relay retry arrives as two messages with different ids: still one email.
        var placedAgain = events.Create(EnvelopeJson.ReadData(placed), "o-1");
        var cancelled = events.Create(new OrderCancelled("o-1", "c-1", "out-of-stock", at), "o-1");

        foreach (var envelope in new[] { placed, placedAgain, cancelled })
        {
            var settlement = new RecordingSettlement();
            await _pipeline.ProcessAsync(entity, new ReceivedMessage(envelope.Id, EnvelopeJson.Serialize(envelope), entity, 1, at,
                new Dictionary<string, string>()), settlement, CancellationToken.None);
            Assert.Equal("completed", settlement.Outcome);
        }

        Assert.Equal(["order-cancelled", "order-received"], (await _n.RecordedAsync("c-1")).Select(n => n.Kind).Order(StringComparer.Ordinal));
    }
}
