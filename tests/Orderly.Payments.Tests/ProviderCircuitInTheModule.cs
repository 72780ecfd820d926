using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Payments;
using Orderly.Messaging;
using Orderly.Payments.Domain;
using Orderly.Payments.Provider;
using Orderly.Storage;
using Pipeline = Orderly.ConsumerPipeline.ConsumerPipeline;

namespace Orderly.Payments.Tests;

/// <summary>
/// The circuit as the module registers it (simulated provider, time limit, circuit) under the real consumer pipeline and the
/// health checks, configured the way the environment configures it.
/// </summary>
public sealed class ProviderCircuitInTheModule : IAsyncLifetime
{
    private static readonly TimeSpan ProviderTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);

    private readonly PaymentsHarness _h = new();
    private readonly ManualClock _clock = new();
    private readonly CapturedLogs _logs = new();
    private ServiceProvider _services = null!;
    private Pipeline _pipeline = null!;

    public Task InitializeAsync()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PaymentProviders.Setting] = PaymentProviders.Simulated,
            ["Payments:ProviderTimeout"] = ProviderTimeout.ToString(),
            ["Payments:ProviderRetries"] = "0",
            ["Payments:CircuitBreaker:MinimumThroughput"] = "2",
            ["Payments:CircuitBreaker:BreakDuration"] = Break.ToString(),
        }).Build();
        _services = new ServiceCollection()
            .AddLogging(l => l.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug))
            .AddSingleton<TimeProvider>(_clock)
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

    private async Task<RecordingSettlement> DeliverAsync<T>(T message, string correlationId = "corr-1") where T : notnull
    {
        var envelope = EnvelopeJson.Create(message, Guid.NewGuid().ToString("N"), "/orderly/checkout", DateTimeOffset.UtcNow, correlationId, replyTo: Destinations.CheckoutReplies);
        var settlement = new RecordingSettlement();
        var received = new ReceivedMessage(envelope.Id, EnvelopeJson.Serialize(envelope), Destinations.PaymentsCommands, 1, DateTimeOffset.UtcNow, new Dictionary<string, string>());
        await _pipeline.ProcessAsync(Destinations.PaymentsCommands, received, settlement, CancellationToken.None);
        return settlement;
    }

    private Task<RecordingSettlement> AuthorizeAsync(string orderId, string token, string correlationId = "corr-1") =>
        DeliverAsync(new AuthorizePayment(orderId, new Money(5m, "EUR"), token), correlationId);

    private async Task<HealthReportEntry> ProviderHealthAsync() =>
        (await _services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[PaymentProviderHealthCheck.Name];

    [Fact]
    public async Task One_hanging_order_redelivered_again_and_again_never_opens_the_circuit_for_the_others()
    {
        for (var delivery = 0; delivery < 4; delivery++)
            Assert.Equal("retry", (await AuthorizeAsync("o-slow", "tok_timeout_x", "corr-slow")).Outcome);

        Assert.Equal("complete", (await AuthorizeAsync("o-good", "tok_visa", "corr-good")).Outcome);
        Assert.Equal(PaymentStatus.Authorized, (await _h.PaymentAsync("o-good"))!.Status);
        var health = await ProviderHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(1, health.Data["failedPayments"]);
    }

    [Fact]
    public async Task Once_open_an_authorization_is_deferred_to_the_hint_without_spending_an_attempt()
    {
        Assert.Equal("retry", (await AuthorizeAsync("o1", "tok_timeout_a", "corr-slow")).Outcome);
        Assert.Equal("retry", (await AuthorizeAsync("o2", "tok_timeout_b", "corr-slow")).Outcome);

        var watch = Stopwatch.StartNew();
        var settlement = await AuthorizeAsync("o3", "tok_visa", "corr-fast");
        watch.Stop();

        Assert.Equal("defer", settlement.Outcome);
        Assert.InRange(settlement.Delay!.Value, Break, Break + TimeSpan.FromMilliseconds(200));
        Assert.True(watch.Elapsed < ProviderTimeout / 2, $"the open circuit took {watch.Elapsed.TotalMilliseconds} ms to answer");
        Assert.Null(await _h.PaymentAsync("o3"));
        var deferred = _logs.With(ConsumerPipelineLog.RetryDeferred)[^1];
        Assert.IsType<PaymentProviderCircuitOpenException>(deferred.Exception);
        Assert.Equal("corr-fast", deferred.Scope["CorrelationId"]);

        // After the break the same command, redelivered, is the trial: it is authorized and the circuit closes.
        _clock.Advance(Break);
        Assert.Equal("complete", (await AuthorizeAsync("o3", "tok_visa", "corr-fast")).Outcome);
        Assert.Equal(PaymentStatus.Authorized, (await _h.PaymentAsync("o3"))!.Status);
    }

    [Fact]
    public async Task Opening_and_closing_are_logged_in_the_scope_of_the_message_that_caused_them()
    {
        await AuthorizeAsync("o1", "tok_timeout_a", "corr-first");
        await AuthorizeAsync("o2", "tok_timeout_b", "corr-second");
        _clock.Advance(Break);
        await AuthorizeAsync("o3", "tok_visa", "corr-trial");

        var opened = Assert.Single(_logs.With(ResilientPaymentProvider.CircuitOpened));
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Equal("corr-second", opened.Scope["CorrelationId"]);
        Assert.False(string.IsNullOrEmpty(opened.Scope["TraceId"] as string));
        Assert.Contains("Timeout", opened.Exception!.GetType().Name, StringComparison.Ordinal);
        var closed = Assert.Single(_logs.With(ResilientPaymentProvider.CircuitClosed));
        Assert.Equal(LogLevel.Information, closed.Level);
        Assert.Equal("corr-trial", closed.Scope["CorrelationId"]);
    }

    [Fact]
    public async Task Health_reports_the_circuit_degraded_while_open_and_healthy_once_closed()
    {
        var healthy = await ProviderHealthAsync();
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal("Closed", healthy.Data["circuit"]);
        Assert.Equal(PaymentProviders.Simulated, healthy.Data["provider"]);

        await AuthorizeAsync("o1", "tok_timeout_a");
        await AuthorizeAsync("o2", "tok_timeout_b");

        var open = await ProviderHealthAsync();
        Assert.Equal(HealthStatus.Degraded, open.Status);
        Assert.Equal("Open", open.Data["circuit"]);
        Assert.Equal(2, open.Data["failedPayments"]);
        Assert.Equal(_clock.GetUtcNow() + Break, open.Data["retryAt"]);

        _clock.Advance(Break);
        await AuthorizeAsync("o3", "tok_visa");
        Assert.Equal(HealthStatus.Healthy, (await ProviderHealthAsync()).Status);
    }

    [Fact]
    public async Task Declined_cards_never_degrade_payments()
    {
        for (var i = 0; i < 5; i++)
            Assert.Equal("complete", (await AuthorizeAsync($"o{i}", "tok_decline_card")).Outcome);

        Assert.Equal(HealthStatus.Healthy, (await ProviderHealthAsync()).Status);
        Assert.Equal("complete", (await AuthorizeAsync("o9", "tok_visa")).Outcome);
    }
}
