using System.Collections.Concurrent;
using Orderly.Contracts;

namespace Orderly.Payments.Provider;

/// <summary>
/// The default provider, deciding by token: <c>tok_decline…</c> is declined, <c>tok_timeout…</c> never answers (waits until
/// cancelled), <c>tok_flaky…</c> fails twice then succeeds, anything else is approved. The flaky count is kept per token in
/// this process's memory, so it restarts with the process and is not shared between instances; tokens are chosen by callers,
/// so at most <see cref="MaxFlakyTokens"/> are remembered, and past that the memory starts over (a flaky token may then fail
/// twice more: still transient, still retried).
/// </summary>
public sealed class SimulatedPaymentProvider : IPaymentProvider
{
    public const int FlakyFailures = 2;

    public const int MaxFlakyTokens = 10_000;

    private readonly ConcurrentDictionary<string, int> _flakyAttempts = new(StringComparer.Ordinal);

    public async Task<AuthorizationResult> AuthorizeAsync(string orderId, string paymentToken, Money amount, CancellationToken cancellationToken)
    {
        if (paymentToken.StartsWith("tok_timeout", StringComparison.Ordinal))
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        if (paymentToken.StartsWith("tok_flaky", StringComparison.Ordinal))
        {
            if (_flakyAttempts.Count >= MaxFlakyTokens && !_flakyAttempts.ContainsKey(paymentToken)) _flakyAttempts.Clear();
            if (_flakyAttempts.AddOrUpdate(paymentToken, 1, (_, n) => n + 1) <= FlakyFailures)
                throw new PaymentProviderUnavailableException($"The simulated provider failed on purpose for token {paymentToken}.");
        }
        if (paymentToken.StartsWith("tok_decline", StringComparison.Ordinal))
            return AuthorizationResult.Decline("declined");
        return AuthorizationResult.Approve("sim_" + Guid.CreateVersion7().ToString("N"));
    }

    public Task CaptureAsync(string providerReference, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task VoidAsync(string providerReference, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RefundAsync(string providerReference, Money amount, CancellationToken cancellationToken) => Task.CompletedTask;
}
