using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Payments;
using Orderly.Embedded.Broker;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Payments.Domain;
using Orderly.Payments.Provider;
using Orderly.Storage;
using Pipeline = Orderly.ConsumerPipeline.ConsumerPipeline;

namespace Orderly.Payments.Tests;

/// <summary>A provider that hangs (every call, every token) until <see cref="DownUntil"/>, then is the simulated one again.</summary>
public sealed class ProviderWithAnOutage : IPaymentProvider
{
    private readonly SimulatedPaymentProvider _inner = new();
    private int _callsWhileDown;

    public DateTime DownUntil { get; set; } = DateTime.MinValue;
    public int CallsWhileDown => Volatile.Read(ref _callsWhileDown);
    public List<string> Authorized { get; } = [];

    public async Task<AuthorizationResult> AuthorizeAsync(string orderId, string paymentToken, Money amount, CancellationToken cancellationToken)
    {
        await DownAsync(cancellationToken);
        var result = await _inner.AuthorizeAsync(orderId, paymentToken, amount, cancellationToken);
        lock (Authorized) Authorized.Add(orderId);
        return result;
    }

    public async Task CaptureAsync(string providerReference, CancellationToken cancellationToken) => await DownAsync(cancellationToken);

    public async Task VoidAsync(string providerReference, CancellationToken cancellationToken) => await DownAsync(cancellationToken);

    public async Task RefundAsync(string providerReference, Money amount, CancellationToken cancellationToken) => await DownAsync(cancellationToken);

    private async Task DownAsync(CancellationToken cancellationToken)
    {
        if (DateTime.UtcNow >= DownUntil) return;
        Interlocked.Increment(ref _callsWhileDown);
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
    }
}

/// <summary>
/// A payment provider really down for a while (2 s here, with a 1 s break, instead of minutes): payments on the embedded broker
/// and the real consumer pipeline, with the module's edge, health check and settings, and no saga: the test plays the saga's
/// part (a step timeout compensates with VoidPayment).
/// </summary>
public sealed class ProviderOutage : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);

    private readonly PaymentsHarness _h = new();
    private readonly ProviderWithAnOutage _provider = new();
    private ServiceProvider _services = null!;
    private EmbeddedBroker _broker = null!;

    public async Task InitializeAsync()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PaymentProviders.Setting] = PaymentProviders.Simulated,
            ["Payments:ProviderTimeout"] = "0.2",
            ["Payments:CircuitBreaker:MinimumThroughput"] = "3",
            ["Payments:CircuitBreaker:SamplingDuration"] = "2",
            ["Payments:CircuitBreaker:BreakDuration"] = "1",
            // Four attempts: burnt on an open circuit at the pipeline's backoff (0.1-0.2 s, doubling) they are gone within 2 s.
            ["Messaging:Consumer:MaxDeliveryCount"] = "4",
        }).Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddKeyedSingleton<IPaymentProvider>(PaymentsModule.Name, _provider)
            .AddPaymentsContext(config)
            .AddConsumerPipeline(config)
            .AddKeyedSingleton<IDocumentStore>(PaymentsModule.Name, _h.Store)
            .BuildServiceProvider();
        _broker = await EmbeddedBroker.OpenAsync(_h.Database);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _h.DisposeAsync();
    }

    private Task SendAsync<T>(T command, string orderId) where T : notnull =>
        _broker.PublishAsync([new OutgoingMessage(Destinations.PaymentsCommands,
            EnvelopeJson.Create(command, Guid.NewGuid().ToString("N"), "/orderly/checkout", DateTimeOffset.UtcNow, orderId, replyTo: Destinations.CheckoutReplies))]);

    private async Task<List<object>> RepliesAsync(string orderId) =>
        (await _h.Store.QueryAsync(orderId, OutboxRecord.Kind)).Select(d => EnvelopeJson.ReadData(d.As<OutboxRecord>().ToOutgoing().Envelope)).ToList();

    private async Task<string> CircuitAsync() =>
        (string)(await _services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[PaymentProviderHealthCheck.Name].Data["circuit"];

    [Fact]
    public async Task A_provider_down_for_a_while_opens_the_circuit_and_every_payment_waits_for_it_then_completes_or_is_compensated()
    {
        var pipeline = _services.GetRequiredService<Pipeline>();
        using var stop = new CancellationTokenSource();
        var consumer = new EmbeddedConsumer(_broker, Destinations.PaymentsCommands,
            (m, ct) => pipeline.ProcessAsync(Destinations.PaymentsCommands, m.Message, m.Settlement, ct),
            new EmbeddedConsumerOptions { MaxConcurrency = 4, IdleWait = TimeSpan.FromMilliseconds(50) });
        var running = consumer.RunAsync(stop.Token);

        // Down until the circuit has had its chance to open (a loaded machine may take longer than the sampling window), then for
        // the rest of the outage: the test waits on what it checks, not on a fixed time.
        _provider.DownUntil = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var during = Enumerable.Range(1, 8).Select(i => $"o-down-{i}").ToList();
        foreach (var order in during) await SendAsync(new AuthorizePayment(order, new Money(5m, "EUR"), "tok_visa"), order);
        var states = new HashSet<string>();
        var opening = Stopwatch.StartNew();
        while (!states.Contains("Open") && opening.Elapsed < TimeSpan.FromSeconds(10)) { states.Add(await CircuitAsync()); await Task.Delay(20); }
        // Two checkouts give up waiting (their step timeout) and compensate while the provider is still down.
        foreach (var order in during.Take(2)) await SendAsync(new VoidPayment(order), order);
        _provider.DownUntil = DateTime.UtcNow + Outage / 2;
        while (DateTime.UtcNow < _provider.DownUntil) { states.Add(await CircuitAsync()); await Task.Delay(20); }

        // After recovery: new orders and those that waited are all answered; nothing stuck, nothing dead-lettered.
        var after = Enumerable.Range(1, 3).Select(i => $"o-after-{i}").ToList();
        foreach (var order in after) await SendAsync(new AuthorizePayment(order, new Money(5m, "EUR"), "tok_visa"), order);
        var recovery = Stopwatch.StartNew();
        while (_broker.ActiveMessageCount(Destinations.PaymentsCommands) > 0 && recovery.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(20);
        recovery.Stop();
        await stop.CancelAsync();
        await running;

        Assert.Contains("Open", states);
        Assert.Empty(await new EmbeddedDeadLetterQueue(_broker).ListAsync(Destinations.PaymentsCommands));
        Assert.Equal(0, _broker.ActiveMessageCount(Destinations.PaymentsCommands));
        foreach (var order in during.Skip(2).Concat(after))
        {
            Assert.Equal(PaymentStatus.Authorized, (await _h.PaymentAsync(order))!.Status);
            Assert.IsType<PaymentAuthorized>(Assert.Single(await RepliesAsync(order)));
        }
        foreach (var order in during.Take(2))
        {
            Assert.Equal(PaymentStatus.Voided, (await _h.PaymentAsync(order))!.Status);
            Assert.DoesNotContain(order, _provider.Authorized);
        }
        // The open circuit spared the provider: a handful of calls reached it while it was down, not one per redelivery.
        Assert.InRange(_provider.CallsWhileDown, 3, 8);
        Assert.Equal("Closed", await CircuitAsync());
        Console.WriteLine($"provider down until the circuit opened ({opening.Elapsed.TotalSeconds:0.0} s) and {(Outage / 2).TotalSeconds} s more: {during.Count + after.Count} payments, calls while down {_provider.CallsWhileDown}, " +
            $"all settled {recovery.Elapsed.TotalSeconds:0.0} s after recovery, 0 dead-lettered");
    }
}
