using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Contracts;
using Orderly.Contracts.Payments;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Payments.Domain;
using Orderly.Storage;
using Pipeline = Orderly.ConsumerPipeline.ConsumerPipeline;
using Orderly.ConsumerPipeline;

namespace Orderly.Payments.Tests;

/// <summary>The settlement the pipeline chose for a message.</summary>
public sealed class RecordingSettlement : IMessageSettlement
{
    public string? Outcome { get; private set; }
    public string? Reason { get; private set; }
    public TimeSpan? Delay { get; private set; }

    public Task CompleteAsync(CancellationToken cancellationToken = default) { Outcome = "complete"; return Task.CompletedTask; }
    public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default) { Outcome = spendsAttempt ? "retry" : "defer"; Delay = delay; return Task.CompletedTask; }
    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default) { Outcome = "dead-letter"; Reason = reason; return Task.CompletedTask; }
}

/// <summary>The module's registrations (simulated provider behind the configured time limit) driven by the real consumer pipeline.</summary>
public sealed class ThroughThePipeline : IAsyncLifetime
{
    private readonly PaymentsHarness _h = new();
    private ServiceProvider _services = null!;
    private Pipeline _pipeline = null!;

    public Task InitializeAsync()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Payments:Provider"] = "simulated",
            ["Payments:ProviderTimeout"] = "0.2",
        }).Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddPaymentsContext(config)
            .AddConsumerPipeline(config)
            .AddKeyedSingleton<IDocumentStore>(PaymentsModule.Name, _h.Store)
            .BuildServiceProvider();
        _pipeline = _services.GetRequiredService<Pipeline>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _h.DisposeAsync();
    }

    private async Task<RecordingSettlement> DeliverAsync<T>(T message) where T : notnull
    {
        var envelope = EnvelopeJson.Create(message, Guid.NewGuid().ToString("N"), "/orderly/checkout", DateTimeOffset.UtcNow, "corr-1", replyTo: Destinations.CheckoutReplies);
        var settlement = new RecordingSettlement();
        var received = new ReceivedMessage(envelope.Id, EnvelopeJson.Serialize(envelope), Destinations.PaymentsCommands, 1, DateTimeOffset.UtcNow, new Dictionary<string, string>());
        await _pipeline.ProcessAsync(Destinations.PaymentsCommands, received, settlement, CancellationToken.None);
        return settlement;
    }

    [Fact]
    public async Task A_provider_that_never_answers_is_retried_later_instead_of_holding_the_consumer()
    {
        var settlement = await DeliverAsync(new AuthorizePayment("o1", new Money(5m, "EUR"), "tok_timeout_x"));

        Assert.Equal("retry", settlement.Outcome);
        Assert.Null(await _h.PaymentAsync("o1"));
    }

    [Fact]
    public async Task An_authorization_through_the_pipeline_stores_the_payment_and_replies()
    {
        Assert.Equal("complete", (await DeliverAsync(new AuthorizePayment("o1", new Money(5m, "EUR"), "tok_ok"))).Outcome);

        Assert.Equal(PaymentStatus.Authorized, (await _h.PaymentAsync("o1"))!.Status);
        var reply = Assert.Single((await _h.Store.QueryAsync("o1", OutboxRecord.Kind)).Select(d => d.As<OutboxRecord>()));
        Assert.IsType<PaymentAuthorized>(EnvelopeJson.ReadData(reply.ToOutgoing().Envelope));
    }

    [Fact]
    public async Task Voiding_a_captured_payment_refunds_it_and_completes_never_dead_letters()
    {
        // Before, this was a dead letter with no reply: the saga's compensation waited forever and the order stayed Pending.
        await DeliverAsync(new AuthorizePayment("o1", new Money(5m, "EUR"), "tok_ok"));
        await DeliverAsync(new CapturePayment("o1", (await _h.PaymentAsync("o1"))!.PaymentId!));

        var settlement = await DeliverAsync(new VoidPayment("o1"));

        Assert.Equal("complete", settlement.Outcome);
        Assert.Equal(PaymentStatus.Refunded, (await _h.PaymentAsync("o1"))!.Status);
    }
}
