using Microsoft.Extensions.Logging;
using Orderly.Contracts;

namespace Orderly.Payments.Provider;

/// <summary>Whether payments calls the provider: Closed (yes), Open (no: calls fail fast), HalfOpen (one trial call at a time).</summary>
public enum ProviderCircuitState { Closed, Open, HalfOpen }

/// <summary>What the circuit looks like now (for health): its state, the failures in a row, and when it opened and lets a trial through.</summary>
public sealed record ProviderCircuitSnapshot(ProviderCircuitState State, int ConsecutiveFailures, DateTimeOffset? OpenedAt, DateTimeOffset? RetryAt);

/// <summary>
/// Stops calling a payment provider that keeps failing, so each command fails fast (and is redelivered with backoff) instead of
/// waiting out the provider timeout again and again. Closed: every call goes through; a provider fault or timeout (any exception
/// but the caller's own cancellation) counts, an answer — approval or decline alike — resets the count. After
/// <see cref="CircuitBreakerOptions.FailureThreshold"/> in a row it opens: calls throw <see cref="PaymentProviderCircuitOpenException"/>
/// (transient) without reaching the provider for <see cref="CircuitBreakerOptions.BreakDuration"/>. Then it is half-open: one trial
/// call goes through (the others still fail fast); an answer closes it, a failure opens it again. One circuit per process (one
/// provider). Sits outside the <see cref="TimeLimitedPaymentProvider"/>, so a hang counts as a failure and a trial cannot hang.
/// </summary>
public sealed class CircuitBreakingPaymentProvider(IPaymentProvider inner, CircuitBreakerOptions options, TimeProvider time, ILogger<CircuitBreakingPaymentProvider> logger)
    : IPaymentProvider
{
    public static readonly EventId CircuitOpened = new(4101, "PaymentProviderCircuitOpened");
    public static readonly EventId CircuitHalfOpened = new(4102, "PaymentProviderCircuitHalfOpened");
    public static readonly EventId CircuitClosed = new(4103, "PaymentProviderCircuitClosed");

    private readonly Lock _lock = new();
    private ProviderCircuitState _state = ProviderCircuitState.Closed;
    private int _consecutiveFailures;
    private DateTimeOffset _openedAt;
    private bool _trialInFlight;

    public CircuitBreakerOptions Options { get; } = options;

    /// <summary>The circuit as health reports it. An open circuit whose break is over is still Open until a call comes to try.</summary>
    public ProviderCircuitSnapshot Snapshot()
    {
        lock (_lock)
        {
            return _state == ProviderCircuitState.Closed
                ? new ProviderCircuitSnapshot(_state, _consecutiveFailures, null, null)
                : new ProviderCircuitSnapshot(_state, _consecutiveFailures, _openedAt, _openedAt + Options.BreakDuration);
        }
    }

    public Task<AuthorizationResult> AuthorizeAsync(string paymentToken, Money amount, CancellationToken cancellationToken) =>
        ThroughCircuit(ct => inner.AuthorizeAsync(paymentToken, amount, ct), "authorize", cancellationToken);

    public Task CaptureAsync(string providerReference, CancellationToken cancellationToken) =>
        ThroughCircuit(async ct => { await inner.CaptureAsync(providerReference, ct); return true; }, "capture", cancellationToken);

    public Task VoidAsync(string providerReference, CancellationToken cancellationToken) =>
        ThroughCircuit(async ct => { await inner.VoidAsync(providerReference, ct); return true; }, "void", cancellationToken);

    private async Task<T> ThroughCircuit<T>(Func<CancellationToken, Task<T>> call, string act, CancellationToken cancellationToken)
    {
        var trial = Admit(act);
        T result;
        try
        {
            result = await call(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Our caller gave up (shutting down): says nothing about the provider. A trial cut short lets the next call try.
            if (trial) lock (_lock) _trialInFlight = false;
            throw;
        }
        catch (Exception failure)
        {
            RecordFailure(trial, act, failure);
            throw;
        }
        RecordAnswer(trial, act);
        return result;
    }

    /// <summary>Lets the call through (true when it is the half-open trial) or throws because the circuit is open.</summary>
    private bool Admit(string act)
    {
        DateTimeOffset retryAt;
        lock (_lock)
        {
            switch (_state)
            {
                case ProviderCircuitState.Closed:
                    return false;
                case ProviderCircuitState.Open when time.GetUtcNow() >= _openedAt + Options.BreakDuration:
                    _state = ProviderCircuitState.HalfOpen;
                    _trialInFlight = true;
                    break;
                case ProviderCircuitState.HalfOpen when !_trialInFlight:
                    _trialInFlight = true;
                    return true;
                default:
                    retryAt = _state == ProviderCircuitState.HalfOpen ? time.GetUtcNow() : _openedAt + Options.BreakDuration;
                    throw new PaymentProviderCircuitOpenException(_state == ProviderCircuitState.HalfOpen
                        ? $"The payment provider was not asked to {act}: the circuit is half-open and its one trial call is still running."
                        : $"The payment provider was not asked to {act}: the circuit opened after {Options.FailureThreshold} failures in a row; " +
                          $"it lets a trial call through at {retryAt:O}.", retryAt);
            }
        }
        logger.LogInformation(CircuitHalfOpened, "Payment provider circuit half-open: letting one trial {Act} through", act);
        return true;
    }

    private void RecordAnswer(bool trial, string act)
    {
        lock (_lock)
        {
            if (_state == ProviderCircuitState.Closed)
            {
                _consecutiveFailures = 0;
                return;
            }
            // A call let through before the circuit opened says little; only the trial decides.
            if (!(trial && _state == ProviderCircuitState.HalfOpen)) return;
            _state = ProviderCircuitState.Closed;
            _consecutiveFailures = 0;
            _trialInFlight = false;
        }
        logger.LogInformation(CircuitClosed, "Payment provider circuit closed: the trial {Act} was answered; calling the provider again", act);
    }

    private void RecordFailure(bool trial, string act, Exception failure)
    {
        bool reopened;
        DateTimeOffset retryAt;
        int failures;
        lock (_lock)
        {
            if (_state == ProviderCircuitState.Closed)
            {
                if (++_consecutiveFailures < Options.FailureThreshold) return;
                reopened = false;
            }
            else if (trial && _state == ProviderCircuitState.HalfOpen)
            {
                _consecutiveFailures++;
                _trialInFlight = false;
                reopened = true;
            }
            else
            {
                return; // already open: a late failure of a call let through earlier changes nothing
            }
            _state = ProviderCircuitState.Open;
            _openedAt = time.GetUtcNow();
            retryAt = _openedAt + Options.BreakDuration;
            failures = _consecutiveFailures;
        }
        if (reopened)
            logger.LogWarning(CircuitOpened, failure, "Payment provider circuit open again: the trial {Act} failed ({FailureType}); calls fail fast until {RetryAt:O}",
                act, failure.GetType().Name, retryAt);
        else
            logger.LogWarning(CircuitOpened, failure, "Payment provider circuit open after {Failures} failures in a row, the last a {FailureType} on {Act}; calls fail fast until {RetryAt:O}",
                failures, failure.GetType().Name, act, retryAt);
    }
}
