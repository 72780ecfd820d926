using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orderly.Contracts;
using Orderly.Payments.Provider;

namespace Orderly.Payments.Tests;

/// <summary>The circuit breaker at the payment-provider edge, as the handlers see it: a provider, wrapped the way the module wraps it.</summary>
public sealed class ProviderCircuit
{
    private static readonly Money Ten = new(10m, "EUR");
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);

    private readonly ScriptedProvider _provider = new();
    private readonly ManualClock _clock = new();
    private readonly CapturedLogs _logs = new();

    private CircuitBreakingPaymentProvider Circuit(int threshold, TimeSpan? providerTimeout = null) => new(
        new TimeLimitedPaymentProvider(_provider, providerTimeout ?? TimeSpan.FromSeconds(5)),
        new CircuitBreakerOptions(threshold, Break), _clock, _logs.For<CircuitBreakingPaymentProvider>());

    private Task<AuthorizationResult> AuthorizeAsync(IPaymentProvider provider, CancellationToken ct = default) =>
        provider.AuthorizeAsync("tok_visa", Ten, ct);

    private async Task OpenAsync(CircuitBreakingPaymentProvider circuit)
    {
        _provider.Mood = ProviderMood.Fails;
        for (var i = 0; i < circuit.Options.FailureThreshold; i++)
            await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit));
        Assert.Equal(ProviderCircuitState.Open, circuit.Snapshot().State);
    }

    [Fact]
    public async Task After_N_provider_timeouts_the_next_call_fails_fast_without_calling_the_provider()
    {
        var timeout = TimeSpan.FromMilliseconds(500);
        var circuit = Circuit(threshold: 3, timeout);
        _provider.Mood = ProviderMood.Hangs;
        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<TimeoutException>(() => AuthorizeAsync(circuit));
        Assert.Equal(3, _provider.Calls);

        var watch = Stopwatch.StartNew();
        var fast = await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit));
        watch.Stop();

        Assert.True(watch.Elapsed < timeout / 5, $"failing fast took {watch.Elapsed.TotalMilliseconds} ms (the provider timeout is {timeout.TotalMilliseconds} ms)");
        Assert.Equal(3, _provider.Calls);
        Assert.Equal(_clock.GetUtcNow() + Break, fast.RetryAt);
        // Capture and void (a compensation) fail fast too; the pipeline retries them like any transient failure.
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => circuit.VoidAsync("ref_1", default));
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => circuit.CaptureAsync("ref_1", default));
        Assert.Equal(3, _provider.Calls);
    }

    [Fact]
    public async Task After_the_break_one_trial_call_goes_through_and_its_answer_closes_the_circuit()
    {
        var circuit = Circuit(threshold: 2);
        await OpenAsync(circuit);

        _clock.Advance(Break - TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit));
        Assert.Equal(2, _provider.Calls);

        _clock.Advance(TimeSpan.FromSeconds(1));
        _provider.Mood = ProviderMood.Approves;
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var trial = AuthorizeAsync(circuit);
        Assert.Equal(3, _provider.Calls);
        Assert.Equal(ProviderCircuitState.HalfOpen, circuit.Snapshot().State);
        // While the trial runs, everyone else still fails fast: one call tests the provider, not a stampede.
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit));
        Assert.Equal(3, _provider.Calls);

        _provider.Gate.SetResult();
        Assert.Same(_provider.Approval, await trial);

        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);
        Assert.Same(_provider.Approval, await AuthorizeAsync(circuit));
        Assert.Equal(4, _provider.Calls);
    }

    [Fact]
    public async Task A_failed_trial_opens_the_circuit_for_another_break()
    {
        var circuit = Circuit(threshold: 2);
        await OpenAsync(circuit);
        _clock.Advance(Break);

        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync(circuit));

        Assert.Equal(3, _provider.Calls);
        Assert.Equal(ProviderCircuitState.Open, circuit.Snapshot().State);
        _clock.Advance(Break - TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit));
        Assert.Equal(3, _provider.Calls);
    }

    [Fact]
    public async Task Declines_are_answers_and_never_open_the_circuit()
    {
        var circuit = Circuit(threshold: 2);
        _provider.Mood = ProviderMood.Declines;
        for (var i = 0; i < 10; i++)
            Assert.Same(_provider.Decline, await AuthorizeAsync(circuit));
        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);

        // Failures must come in a row: an answer in between (a decline too) starts the count again.
        foreach (var mood in new[] { ProviderMood.Fails, ProviderMood.Declines, ProviderMood.Fails, ProviderMood.Approves, ProviderMood.Fails })
        {
            _provider.Mood = mood;
            try { await AuthorizeAsync(circuit); } catch (PaymentProviderUnavailableException) { }
        }
        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);
        Assert.Equal(15, _provider.Calls);
    }

    [Fact]
    public async Task The_circuit_hands_back_the_providers_answer_and_its_failure_unchanged()
    {
        var circuit = Circuit(threshold: 5);

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
        var circuit = Circuit(threshold: 1);
        _provider.Mood = ProviderMood.Hangs;
        using var shuttingDown = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AuthorizeAsync(circuit, shuttingDown.Token));

        Assert.Equal(ProviderCircuitState.Closed, circuit.Snapshot().State);
    }

    [Fact]
    public async Task Each_change_of_state_is_logged_once_warning_when_it_opens_information_when_it_closes()
    {
        var circuit = Circuit(threshold: 2);
        _provider.Mood = ProviderMood.Fails;
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Five calls in flight fail together: the circuit opens once, not once per failure past the threshold.
        var inFlight = Enumerable.Range(0, 5).Select(_ => AuthorizeAsync(circuit)).ToList();
        _provider.Gate.SetResult();
        foreach (var call in inFlight) await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => call);
        _provider.Gate = null;
        await Assert.ThrowsAsync<PaymentProviderCircuitOpenException>(() => AuthorizeAsync(circuit));

        _clock.Advance(Break);
        _provider.Mood = ProviderMood.Approves;
        await AuthorizeAsync(circuit);
        await AuthorizeAsync(circuit);

        var opened = Assert.Single(_logs.With(CircuitBreakingPaymentProvider.CircuitOpened));
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Same(_provider.Failure, opened.Exception);
        Assert.Equal(LogLevel.Information, Assert.Single(_logs.With(CircuitBreakingPaymentProvider.CircuitHalfOpened)).Level);
        Assert.Equal(LogLevel.Information, Assert.Single(_logs.With(CircuitBreakingPaymentProvider.CircuitClosed)).Level);
        Assert.Equal(3, _logs.Lines.Count);
    }
}
