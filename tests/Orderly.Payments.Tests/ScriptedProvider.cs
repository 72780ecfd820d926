using Orderly.Contracts;
using Orderly.Payments.Provider;

namespace Orderly.Payments.Tests;

/// <summary>How the scripted provider behaves on its next calls.</summary>
public enum ProviderMood { Approves, Declines, Fails, Hangs }

/// <summary>A payment provider whose behaviour the test sets, counting every call that reaches it; it can hold calls until released.</summary>
public sealed class ScriptedProvider : IPaymentProvider
{
    private int _calls;

    public ProviderMood Mood { get; set; } = ProviderMood.Approves;
    public int Calls => Volatile.Read(ref _calls);
    public TaskCompletionSource? Gate { get; set; }
    public AuthorizationResult Approval { get; } = AuthorizationResult.Approve("ref_1");
    public AuthorizationResult Decline { get; } = AuthorizationResult.Decline("insufficient-funds");
    public PaymentProviderUnavailableException Failure { get; } = new("the provider answered 503");

    /// <summary>Orders whose authorization always fails, whatever the mood (one customer's bad card, say).</summary>
    public HashSet<string> FailingOrders { get; } = [];

    /// <summary>Calls that fail before the mood applies again (a provider that hiccups).</summary>
    public int FailuresBeforeMood { get; set; }

    public async Task<AuthorizationResult> AuthorizeAsync(string orderId, string paymentToken, Money amount, CancellationToken cancellationToken)
    {
        if (FailingOrders.Contains(orderId))
        {
            Interlocked.Increment(ref _calls);
            throw Failure;
        }
        await EnterAsync(cancellationToken);
        return Mood == ProviderMood.Declines ? Decline : Approval;
    }

    public Task CaptureAsync(string providerReference, CancellationToken cancellationToken) => EnterAsync(cancellationToken);

    public Task VoidAsync(string providerReference, CancellationToken cancellationToken) => EnterAsync(cancellationToken);

    public Task RefundAsync(string providerReference, Money amount, CancellationToken cancellationToken) => EnterAsync(cancellationToken);

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        if (FailuresBeforeMood > 0)
        {
            FailuresBeforeMood--;
            throw Failure;
        }
        switch (Mood)
        {
            case ProviderMood.Fails: throw Failure;
            case ProviderMood.Hangs: await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken); break;
        }
    }
}
