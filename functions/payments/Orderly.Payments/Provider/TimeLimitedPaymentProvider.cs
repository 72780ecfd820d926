using Orderly.Contracts;

namespace Orderly.Payments.Provider;

/// <summary>
/// Puts a time limit on every provider call, so a provider that hangs becomes a <see cref="TimeoutException"/> (transient: the
/// consumer pipeline retries with backoff) instead of a handler that never returns. Keeps timeouts out of business code.
/// </summary>
public sealed class TimeLimitedPaymentProvider(IPaymentProvider inner, TimeSpan limit) : IPaymentProvider
{
    public TimeSpan Limit { get; } = limit;

    public Task<AuthorizationResult> AuthorizeAsync(string paymentToken, Money amount, CancellationToken cancellationToken) =>
        WithinLimit(ct => inner.AuthorizeAsync(paymentToken, amount, ct), "authorize", cancellationToken);

    public Task CaptureAsync(string providerReference, CancellationToken cancellationToken) =>
        WithinLimit(async ct => { await inner.CaptureAsync(providerReference, ct); return true; }, "capture", cancellationToken);

    public Task VoidAsync(string providerReference, CancellationToken cancellationToken) =>
        WithinLimit(async ct => { await inner.VoidAsync(providerReference, ct); return true; }, "void", cancellationToken);

    private async Task<T> WithinLimit<T>(Func<CancellationToken, Task<T>> call, string act, CancellationToken cancellationToken)
    {
        using var limited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limited.CancelAfter(Limit);
        try
        {
            // WaitAsync also ends the wait for a provider that ignores its token.
            return await call(limited.Token).WaitAsync(limited.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The payment provider did not answer the {act} within {Limit.TotalSeconds:0.###} s.");
        }
    }
}
