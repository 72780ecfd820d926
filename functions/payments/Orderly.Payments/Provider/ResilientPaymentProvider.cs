using Microsoft.Extensions.Logging;
using Orderly.Contracts;
using Orderly.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Orderly.Payments.Provider;

/// <summary>
/// The payment-provider edge (Polly): every call is time-limited (<see cref="PaymentsOptions.ProviderTimeout"/>: a hang becomes a
/// <see cref="TimeoutException"/>), a provider that answers it is unavailable is asked again at once up to
/// <see cref="PaymentsOptions.ProviderRetries"/> times with <see cref="Backoff"/>, and a circuit breaker stops calling a provider
/// that is failing: when, within the sampling window, enough payments were tried and too many of them failed
/// (<see cref="CircuitBreakerOptions"/>), calls throw <see cref="PaymentProviderCircuitOpenException"/> without reaching the
/// provider for the break, then one trial call decides. Fairness is ours: a payment that already failed within the window
/// (<see cref="FailedPayments"/>) is, while the circuit is closed, retried around the breaker (time limit and retry only), so
/// neither its failures nor its eventual answer are counted again: one customer's hanging token, redelivered again and again,
/// never opens the circuit for the others. Polly 8.9.1 counts an outcome its ShouldHandle declines as a success, so a filter
/// there could not leave a retry out; hence the two pipelines. While the circuit is open or half-open such a payment fails fast
/// too and is never the trial: a payment that has not failed lately tests the provider, so one bad token cannot keep the circuit
/// open by failing every trial. Declines are answers. A caller's own cancellation (shutdown) is not remembered as a failure
/// (Polly counts it as an answer). One circuit per process.
/// </summary>
public sealed class ResilientPaymentProvider : IPaymentProvider
{
    public static readonly EventId CircuitOpened = new(4101, "PaymentProviderCircuitOpened");
    public static readonly EventId CircuitHalfOpened = new(4102, "PaymentProviderCircuitHalfOpened");
    public static readonly EventId CircuitClosed = new(4103, "PaymentProviderCircuitClosed");

    private static readonly ResiliencePropertyKey<List<CircuitChange>> ChangesKey = new("orderly-circuit-changes");

    private readonly IPaymentProvider _inner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _aroundTheBreaker;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly FailedPayments _failed;
    private readonly Lock _lock = new();
    private DateTimeOffset? _openedAt;
    private TimeSpan _break;

    public ResilientPaymentProvider(IPaymentProvider inner, PaymentsOptions options, TimeProvider time, ILogger<ResilientPaymentProvider> logger)
    {
        _inner = inner;
        _time = time;
        _logger = logger;
        Options = options;
        var circuit = options.CircuitBreaker;
        // Remembered through the window that may open the circuit and the break after it, so a payment that helped open it
        // is still known when the trial is chosen.
        _failed = new FailedPayments(circuit.SamplingDuration + circuit.BreakDuration, time);
        _break = circuit.BreakDuration;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        var around = new ResiliencePipelineBuilder { TimeProvider = time };
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = circuit.FailureRatio,
            MinimumThroughput = circuit.MinimumThroughput,
            SamplingDuration = circuit.SamplingDuration,
            BreakDuration = circuit.BreakDuration,
            StateProvider = _state,
            // Any failure but our caller giving up (shutting down), which says nothing about the provider.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } failure
                && !(failure is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
            OnOpened = args =>
            {
                lock (_lock)
                {
                    _openedAt = _time.GetUtcNow();
                    _break = args.BreakDuration;
                }
                return Record(args.Context, new CircuitChange(ProviderCircuitState.Open, args.Outcome.Exception));
            },
            OnHalfOpened = args => Record(args.Context, new CircuitChange(ProviderCircuitState.HalfOpen, null)),
            OnClosed = args =>
            {
                lock (_lock) _openedAt = null;
                return Record(args.Context, new CircuitChange(ProviderCircuitState.Closed, null));
            },
        });
        foreach (var pipeline in new[] { builder, around })
        {
            if (options.ProviderRetries > 0)
            {
                var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2));
                pipeline.AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.ProviderRetries,
                    // Only a provider that answered "unavailable" at once: a timeout already waited the whole limit.
                    ShouldHandle = new PredicateBuilder().Handle<PaymentProviderUnavailableException>(),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(backoff.After(args.AttemptNumber + 1)),
                });
            }
            pipeline.AddTimeout(options.ProviderTimeout);
        }
        _pipeline = builder.Build();
        _aroundTheBreaker = around.Build();
    }

    public PaymentsOptions Options { get; }

    /// <summary>The circuit as health reports it. An open circuit whose break is over stays Open until a call comes to try.</summary>
    public ProviderCircuitSnapshot Snapshot()
    {
        var state = State();
        DateTimeOffset? openedAt;
        lock (_lock) openedAt = _openedAt;
        return new ProviderCircuitSnapshot(state, _failed.InWindow, state == ProviderCircuitState.Closed ? null : openedAt,
            state == ProviderCircuitState.Closed ? null : RetryAt(state));
    }

    /// <summary>Authorizes through the edge; the answer says how many times the provider was asked (its retries made visible).</summary>
    public async Task<AuthorizationResult> AuthorizeAsync(string orderId, string paymentToken, Money amount, CancellationToken cancellationToken)
    {
        var attempts = 0; // the retry strategy calls one attempt after another, never two at once
        var result = await CallAsync(orderId, "authorize", ct =>
        {
            attempts++;
            return _inner.AuthorizeAsync(orderId, paymentToken, amount, ct);
        }, cancellationToken);
        return result.Attempts == attempts ? result : result with { Attempts = attempts }; // the provider's own answer when asked once
    }

    public Task CaptureAsync(string providerReference, CancellationToken cancellationToken) =>
        CallAsync(providerReference, "capture", async ct => { await _inner.CaptureAsync(providerReference, ct); return true; }, cancellationToken);

    public Task VoidAsync(string providerReference, CancellationToken cancellationToken) =>
        CallAsync(providerReference, "void", async ct => { await _inner.VoidAsync(providerReference, ct); return true; }, cancellationToken);

    public Task RefundAsync(string providerReference, Money amount, CancellationToken cancellationToken) =>
        CallAsync(providerReference, "refund", async ct => { await _inner.RefundAsync(providerReference, amount, ct); return true; }, cancellationToken);

    private async Task<T> CallAsync<T>(string payment, string act, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var key = act + ":" + payment;
        var retry = _failed.HasFailed(key);
        if (retry && State() is not ProviderCircuitState.Closed and var circuitState)
            throw new PaymentProviderCircuitOpenException($"The payment provider was not asked to {act}: the circuit is {Describe(circuitState)} and this " +
                "payment failed lately; a payment that has not is left to test the provider.", RetryAt(circuitState), _time.GetUtcNow());
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await (retry ? _aroundTheBreaker : _pipeline).ExecuteAsync(static async (ctx, call) => await call(ctx.CancellationToken), context, call);
        }
        catch (BrokenCircuitException)
        {
            var state = State();
            throw new PaymentProviderCircuitOpenException(state == ProviderCircuitState.HalfOpen
                ? $"The payment provider was not asked to {act}: the circuit is half-open and its one trial call is still running."
                : $"The payment provider was not asked to {act}: too many distinct payments failed lately; it lets a trial call through at {RetryAt(state):O}.",
                RetryAt(state), _time.GetUtcNow());
        }
        catch (TimeoutRejectedException)
        {
            _failed.Remember(key);
            throw new TimeoutException($"The payment provider did not answer the {act} within {Options.ProviderTimeout.TotalSeconds:0.###} s.");
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _failed.Remember(key);
            throw;
        }
        finally
        {
            // Logged here, in the caller's flow (its message's trace scope), not on the breaker's event thread.
            if (context.Properties.TryGetValue(ChangesKey, out var changes))
                foreach (var change in changes) Log(change, act);
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static string Describe(ProviderCircuitState state) => state == ProviderCircuitState.HalfOpen ? "half-open" : "open";

    private ProviderCircuitState State() => _state.CircuitState switch
    {
        CircuitState.Closed => ProviderCircuitState.Closed,
        CircuitState.HalfOpen => ProviderCircuitState.HalfOpen,
        _ => ProviderCircuitState.Open,
    };

    /// <summary>Open: when the break ends. Half-open: when the trial will have answered or timed out.</summary>
    private DateTimeOffset RetryAt(ProviderCircuitState state)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return state == ProviderCircuitState.Open && _openedAt is { } opened && opened + _break > now
                ? opened + _break
                : now + Options.ProviderTimeout;
        }
    }

    private static ValueTask Record(ResilienceContext context, CircuitChange change)
    {
        if (!context.Properties.TryGetValue(ChangesKey, out var changes))
        {
            changes = [];
            context.Properties.Set(ChangesKey, changes);
        }
        changes.Add(change);
        return ValueTask.CompletedTask;
    }

    private void Log(CircuitChange change, string act)
    {
        switch (change.To)
        {
            case ProviderCircuitState.Open:
                _logger.LogWarning(CircuitOpened, change.Failure,
                    "Payment provider circuit open: too many distinct payments failed, the last a {FailureType} on {Act}; calls fail fast until {RetryAt:O}",
                    change.Failure?.GetType().Name, act, RetryAt(ProviderCircuitState.Open));
                break;
            case ProviderCircuitState.HalfOpen:
                _logger.LogInformation(CircuitHalfOpened, "Payment provider circuit half-open: letting one trial {Act} through", act);
                break;
            default:
                _logger.LogInformation(CircuitClosed, "Payment provider circuit closed: the trial {Act} was answered; calling the provider again", act);
                break;
        }
    }

    private sealed record CircuitChange(ProviderCircuitState To, Exception? Failure);
}
