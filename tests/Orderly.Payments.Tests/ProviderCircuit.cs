using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orderly.Contracts;
using Orderly.Payments.Provider;

namespace Orderly.Payments.Tests;

/// <summary>The payment-provider edge (time limit, retry, fair circuit breaker) as the handlers see it: a provider, wrapped the way the module wraps it.</summary>
public sealed class ProviderCircuit
{
    private static readonly Money Ten = new(10m, "EUR");
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProviderTimeout = TimeSpan.FromSeconds(5);

    private readonly ScriptedProvider _provider = new();
    private readonly ManualClock _clock = new();
    private readonly CapturedLogs _logs = new();

    /// <summary>Opens when at least <paramref name="throughput"/> payments were tried within 30 s and half of them failed.</summary>
    private ResilientPaymentProvider Circuit(int throughput = 4, TimeSpan? providerTimeout = null, int retries = 0) => new(_provider,
        new PaymentsOptions(PaymentProviders.Simulated, "payments-commands", providerTimeout ?? ProviderTimeout, retries,
            new CircuitBreakerOptions(0.5, throughput, TimeSpan.FromSeconds(30), Break)),
        _clock, _logs.For<ResilientPaymentProvider>());

    private static Task<AuthorizationResult> AuthorizeAsync(IPaymentProvider provider, string orderId = "o1", CancellationToken ct = default) =>
        provider.AuthorizeAsync(orderId, "tok_visa", Ten, ct);

    private async Task OpenAsync(ResilientPaymentProvider circuit)
    {
        _provider.Mood = ProviderMood.Fails;
        for (var i = 0; i < circuit.Options.CircuitBreaker.MinimumThroughput; i++)
            await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit, $"down-{i}"));
        Assert.Equal(ProviderCircuitState.Open, circuit.Snapshot().State);
    }

    private async Task CallsReachAsync(int calls)
    {
        // The breaker announces a half-open circuit on its own event loop before it lets the trial through.
        for (var waited = 0; _provider.Calls < calls && waited < 5_000; waited += 10) await Task.Delay(10);
        Assert.Equal(calls, _provider.Calls);
    }

    [Fact]
    public async Task One_payment_failing_again_and_again_never_opens_the_circuit_and_good_payments_keep_being_authorized()
    {
        var circuit = Circuit();
        _provider.FailingOrders.Add("o-bad");

        // Its redeliveries alone, as when traffic is sparse, then interleaved with good orders: twenty failures of one payment.
        for (var i = 0; i < 10; i++)
            await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit, "o-bad"));
        for (var i = 0; i < 10; i++)
        {
            Assert.Same(_provider.Approval, await AuthorizeAsync(circuit, $"o-good-{i}"));
            await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit, "o-bad"));
        }

        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);
        Assert.Equal(1, circuit.Snapshot().FailedPayments);
        Assert.Equal(30, _provider.Calls); // every call reached the provider: none was refused by an open circuit
    }

    [Fact]
    public async Task Distinct_failing_payments_open_the_circuit_even_while_each_is_retried()
    {
        var circuit = Circuit(throughput: 4);
        _provider.Mood = ProviderMood.Fails;

        // Four payments, each tried three times in a row (its redeliveries): each counts once, and its retries are not counted as
        // successes either, so four of four failed.
        for (var order = 1; order <= 3; order++)
            for (var attempt = 0; attempt < 3; attempt++)
                await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit, $"o{order}"));
        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);
        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit, "o4"));

        Assert.Equal(ProviderCircuitState.Open, circuit.Snapshot().State);
        Assert.Equal(4, circuit.Snapshot().FailedPayments);
        var fast = await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit, "o5"));
        Assert.Equal(_clock.GetUtcNow() + Break, fast.RetryAt);
        Assert.Equal(Break, fast.RetryAfter);
        Assert.Equal(10, _provider.Calls);
    }

    [Fact]
    public async Task Once_open_every_call_fails_fast_without_calling_the_provider()
    {
        var circuit = Circuit(throughput: 3, providerTimeout: TimeSpan.FromMilliseconds(300));
        _provider.Mood = ProviderMood.Hangs;
        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<TimeoutException>(() => AuthorizeAsync(circuit, $"o{i}"));
        Assert.Equal(3, _provider.Calls);

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit, "o9"));
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(100), $"failing fast took {watch.Elapsed.TotalMilliseconds} ms (the provider timeout is 300 ms)");
        // Capture and void (a compensation) fail fast too, with the same hint.
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => circuit.VoidAsync("ref_1", default));
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => circuit.CaptureAsync("ref_1", default));
        Assert.Equal(3, _provider.Calls);
    }

    [Fact]
    public async Task After_the_break_one_trial_call_goes_through_and_its_answer_closes_the_circuit()
    {
        var circuit = Circuit();
        await OpenAsync(circuit);

        _clock.Advance(Break - TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit));
        Assert.Equal(4, _provider.Calls);

        _clock.Advance(TimeSpan.FromSeconds(1));
        _provider.Mood = ProviderMood.Approves;
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var trial = AuthorizeAsync(circuit, "o-trial");
        await CallsReachAsync(5);
        Assert.Equal(ProviderCircuitState.HalfOpen, circuit.Snapshot().State);
        // While the trial runs, everyone else still fails fast, told to come back when the trial will have answered.
        var waiting = await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit, "o-other"));
        Assert.Equal(_clock.GetUtcNow() + ProviderTimeout, waiting.RetryAt);
        Assert.Equal(5, _provider.Calls);

        _provider.Gate.SetResult();
        Assert.Same(_provider.Approval, await trial);

        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);
        Assert.Same(_provider.Approval, await AuthorizeAsync(circuit, "o-other"));
    }

    [Fact]
    public async Task A_payment_that_failed_lately_is_never_the_trial_and_a_fresh_trial_that_fails_opens_another_break()
    {
        var circuit = Circuit();
        await OpenAsync(circuit);
        _clock.Advance(Break);

        // down-0 failed before: its retry fails fast and leaves the trial to a payment that has not failed.
        var waiting = await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit, "down-0"));
        Assert.Equal(4, _provider.Calls);
        Assert.Equal(ProviderCircuitState.Open, circuit.Snapshot().State);
        Assert.Equal(_clock.GetUtcNow() + ProviderTimeout, waiting.RetryAt);

        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit, "o-fresh"));

        Assert.Equal(5, _provider.Calls);
        Assert.Equal(ProviderCircuitState.Open, circuit.Snapshot().State);
        _clock.Advance(Break - TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit, "o9"));
        Assert.Equal(5, _provider.Calls);
    }

    [Fact]
    public async Task Declines_are_answers_and_never_open_the_circuit()
    {
        var circuit = Circuit();
        _provider.Mood = ProviderMood.Declines;
        for (var i = 0; i < 10; i++)
            Assert.Same(_provider.Decline, await AuthorizeAsync(circuit, $"o{i}"));

        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);
        Assert.Equal(0, circuit.Snapshot().FailedPayments);
    }

    [Fact]
    public async Task A_provider_that_hiccups_is_asked_again_within_the_call_but_a_timeout_is_not()
    {
        var circuit = Circuit(retries: 2, providerTimeout: TimeSpan.FromMilliseconds(200));
        _provider.FailuresBeforeMood = 2;

        // The provider's answer, saying it took three asks (the payment reply carries it to the checkout status).
        Assert.Equal(_provider.Approval with { Attempts = 3 }, await AuthorizeAsync(circuit));
        Assert.Equal(3, _provider.Calls);

        _provider.Mood = ProviderMood.Hangs;
        await Assert.ThrowsAsync<TimeoutException>(() => AuthorizeAsync(circuit, "o2"));
        Assert.Equal(4, _provider.Calls);
    }

    [Fact]
    public async Task The_edge_hands_back_the_providers_answer_and_its_failure_unchanged()
    {
        var circuit = Circuit();

        Assert.Same(_provider.Approval, await AuthorizeAsync(circuit));
        _provider.Mood = ProviderMood.Declines;
        Assert.Same(_provider.Decline, await AuthorizeAsync(circuit));
        _provider.Mood = ProviderMood.Fails;
        Assert.Same(_provider.Failure, await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit)));
        _provider.Mood = ProviderMood.Approves;
        await circuit.CaptureAsync("ref_1", default);
        await circuit.VoidAsync("ref_1", default);

        Assert.Equal(5, _provider.Calls);
    }

    [Fact]
    public async Task A_caller_that_gives_up_is_not_a_provider_failure()
    {
        var circuit = Circuit(throughput: 2);
        _provider.Mood = ProviderMood.Hangs;
        for (var i = 0; i < 3; i++)
        {
            using var shuttingDown = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AuthorizeAsync(circuit, $"o{i}", shuttingDown.Token));
        }

        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);
        Assert.Equal(0, circuit.Snapshot().FailedPayments);
    }

    [Fact]
    public async Task Each_change_of_state_is_logged_once_warning_when_it_opens_information_when_it_closes()
    {
        var circuit = Circuit(throughput: 2);
        _provider.Mood = ProviderMood.Fails;
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Five payments in flight fail together: the circuit opens once, not once per failure past the threshold.
        var inFlight = Enumerable.Range(0, 5).Select(i => AuthorizeAsync(circuit, $"o{i}")).ToList();
        _provider.Gate.SetResult();
        foreach (var call in inFlight) await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => call);
        _provider.Gate = null;
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit, "o9"));

        _clock.Advance(Break);
        _provider.Mood = ProviderMood.Approves;
        await AuthorizeAsync(circuit, "o10");
        await AuthorizeAsync(circuit, "o11");

        var opened = Assert.Single(_logs.With(ResilientPaymentProvider.CircuitOpened));
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Same(_provider.Failure, opened.Exception);
        Assert.Equal(LogLevel.Information, Assert.Single(_logs.With(ResilientPaymentProvider.CircuitHalfOpened)).Level);
        Assert.Equal(LogLevel.Information, Assert.Single(_logs.With(ResilientPaymentProvider.CircuitClosed)).Level);
        Assert.Equal(3, _logs.Lines.Count);
    }
}
