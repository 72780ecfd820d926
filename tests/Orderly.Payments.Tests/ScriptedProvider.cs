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

    public async Task<AuthorizationResult> AuthorizeAsync(string paymentToken, Money amount, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken);
        return Mood == ProviderMood.Declines ? Decline : Approval;
    }

    public Task CaptureAsync(string providerReference, CancellationToken cancellationToken) => EnterAsync(cancellationToken);

    public Task VoidAsync(string providerReference, CancellationToken cancellationToken) => EnterAsync(cancellationToken);

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        switch (Mood)
        {
            case ProviderMood.Fails: throw Failure;
            case ProviderMood.Hangs: await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken); break;
        }
    }
}
