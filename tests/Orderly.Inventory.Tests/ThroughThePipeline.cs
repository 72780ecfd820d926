using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Inventory.Domain;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;
using Pipeline = Orderly.ConsumerPipeline.ConsumerPipeline;
using Orderly.ConsumerPipeline;

namespace Orderly.Inventory.Tests;

/// <summary>The settlement the pipeline chose for a message.</summary>
public sealed class RecordingSettlement : IMessageSettlement
{
    public string? Outcome { get; private set; }
    public string? Reason { get; private set; }

    public Task CompleteAsync(CancellationToken cancellationToken = default) { Outcome = "complete"; return Task.CompletedTask; }
    public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default) { Outcome = "retry"; return Task.CompletedTask; }
    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default) { Outcome = "dead-letter"; Reason = reason; return Task.CompletedTask; }
}

/// <summary>The module's registrations driven by the real consumer pipeline: the wiring a host relies on.</summary>
public sealed class ThroughThePipeline : IAsyncLifetime
{
    private readonly InventoryHarness _h = new();
    private ServiceProvider _services = null!;
    private Pipeline _pipeline = null!;

    public Task InitializeAsync()
    {
        var config = new ConfigurationBuilder().Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddInventoryContext(config)
            .AddConsumerPipeline(config)
            .AddKeyedSingleton<IDocumentStore>(InventoryModule.Name, _h.Store)
            .BuildServiceProvider();
        _pipeline = _services.GetRequiredService<Pipeline>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _h.DisposeAsync();
    }

    private async Task<RecordingSettlement> DeliverAsync(string entity, Envelope envelope)
    {
        var settlement = new RecordingSettlement();
        var received = new ReceivedMessage(envelope.Id, EnvelopeJson.Serialize(envelope), entity, 1, DateTimeOffset.UtcNow, new Dictionary<string, string>());
        await _pipeline.ProcessAsync(entity, received, settlement, CancellationToken.None);
        return settlement;
    }

    private static Envelope Command<T>(T message) where T : notnull =>
        EnvelopeJson.Create(message, Guid.NewGuid().ToString("N"), "/orderly/checkout", DateTimeOffset.UtcNow, "corr-1", replyTo: Destinations.CheckoutReplies);

    [Fact]
    public void The_module_listens_on_the_inventory_queue_and_the_availability_subscription() =>
        Assert.Equal([Destinations.InventoryCommands, "inventory-events/subscriptions/inventory-availability"], _pipeline.Entities);

    [Fact]
    public async Task A_ReserveStock_delivered_twice_holds_stock_once_and_replies_once()
    {
        await _h.SeedAsync("mug", 5);
        var reserve = Command(new ReserveStock("o1", [new OrderLine("mug", 2)]));

        Assert.Equal("complete", (await DeliverAsync(Destinations.InventoryCommands, reserve)).Outcome);
        Assert.Equal("complete", (await DeliverAsync(Destinations.InventoryCommands, reserve)).Outcome);

        Assert.Equal(2, (await _h.ProductAsync("mug")).Reserved);
        var reply = Assert.Single(await _h.OutboxAsync("o1"));
        Assert.Equal(Destinations.CheckoutReplies, reply.Destination);
        Assert.IsType<StockReserved>(EnvelopeJson.ReadData(reply.ToOutgoing().Envelope));
    }

    [Fact]
    public async Task A_CommitStock_for_a_released_order_is_dead_lettered_with_its_reason()
    {
        await DeliverAsync(Destinations.InventoryCommands, Command(new ReleaseStock("o1")));

        var settlement = await DeliverAsync(Destinations.InventoryCommands, Command(new CommitStock("o1")));

        Assert.Equal(("dead-letter", "reservation-released"), (settlement.Outcome, settlement.Reason));
    }

    [Fact]
    public async Task StockLevelChanged_on_the_subscription_feeds_the_availability_view()
    {
        var changed = EnvelopeJson.Create(new StockLevelChanged("mug", 4, 1, 3, DateTimeOffset.UtcNow), "e1", InventoryModule.Source, DateTimeOffset.UtcNow, "corr-1");

        await DeliverAsync(EntityPath.Subscription(Destinations.InventoryEvents, "inventory-availability"), changed);

        Assert.Equal(3, (await _h.Store.ReadAsync("mug", Availability.Kind))!.As<Availability>().Available);
    }
}
