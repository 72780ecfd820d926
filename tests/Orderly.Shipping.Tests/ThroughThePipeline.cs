using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Contracts;
using Orderly.Contracts.Shipping;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Storage;
using Pipeline = Orderly.ConsumerPipeline.ConsumerPipeline;
using Orderly.ConsumerPipeline;

namespace Orderly.Shipping.Tests;

/// <summary>The module's registrations (simulated carrier) driven by the real consumer pipeline.</summary>
public sealed class ThroughThePipeline : IAsyncLifetime
{
    private sealed class Settlement : IMessageSettlement
    {
        public string? Outcome { get; private set; }
        public Task CompleteAsync(CancellationToken cancellationToken = default) { Outcome = "complete"; return Task.CompletedTask; }
        public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default) { Outcome = "retry"; return Task.CompletedTask; }
        public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default) { Outcome = "dead-letter"; return Task.CompletedTask; }
    }

    private readonly ShippingHarness _h = new();
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        var config = new ConfigurationBuilder().Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddShippingContext(config)
            .AddConsumerPipeline(config)
            .AddKeyedSingleton<IDocumentStore>(ShippingModule.Name, _h.Store)
            .BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task A_CreateShipment_to_Antarctica_on_the_shipping_queue_replies_ShipmentRejected()
    {
        var pipeline = _services.GetRequiredService<Pipeline>();
        var command = new CreateShipment("o1", new ShippingAddress("Ada", "Base 1", "McMurdo", "0000", "AQ"), [new OrderLine("mug", 1)]);
        var envelope = EnvelopeJson.Create(command, "m1", "/orderly/checkout", DateTimeOffset.UtcNow, "corr-1", replyTo: Destinations.CheckoutReplies);
        var settlement = new Settlement();

        await pipeline.ProcessAsync(Destinations.ShippingCommands,
            new ReceivedMessage("m1", EnvelopeJson.Serialize(envelope), Destinations.ShippingCommands, 1, DateTimeOffset.UtcNow, new Dictionary<string, string>()),
            settlement, CancellationToken.None);

        Assert.Equal("complete", settlement.Outcome);
        var reply = Assert.Single((await _h.Store.QueryAsync("o1", OutboxRecord.Kind)).Select(d => d.As<OutboxRecord>()));
        Assert.Equal("shipping-unavailable", Assert.IsType<ShipmentRejected>(EnvelopeJson.ReadData(reply.ToOutgoing().Envelope)).Reason);
    }
}
