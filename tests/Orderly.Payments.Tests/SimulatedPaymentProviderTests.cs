using Orderly.Contracts;
using Orderly.Payments.Provider;

namespace Orderly.Payments.Tests;

/// <summary>The simulated provider decides by token; its memory of flaky tokens is bounded, since callers choose the tokens.</summary>
public sealed class SimulatedPaymentProviderTests
{
    private static readonly Money Amount = new(10m, "EUR");

    [Fact]
    public async Task A_flaky_token_fails_twice_then_is_approved()
    {
        var provider = new SimulatedPaymentProvider();
        for (var i = 0; i < SimulatedPaymentProvider.FlakyFailures; i++)
            await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => provider.AuthorizeAsync("o1", "tok_flaky_a", Amount, default));
        Assert.True((await provider.AuthorizeAsync("o1", "tok_flaky_a", Amount, default)).Approved);
        Assert.True((await provider.AuthorizeAsync("o1", "tok_flaky_a", Amount, default)).Approved);
    }

    [Fact]
    public async Task Past_its_bound_the_flaky_memory_starts_over_instead_of_growing()
    {
        var provider = new SimulatedPaymentProvider();
        await Settle(provider, "tok_flaky_first");
        Assert.True((await provider.AuthorizeAsync("o1", "tok_flaky_first", Amount, default)).Approved);

        for (var i = 0; i < SimulatedPaymentProvider.MaxFlakyTokens; i++) await Settle(provider, $"tok_flaky_{i}");

        // Forgotten: it fails again, as a new flaky token would (transient, retried), and the memory holds only what came after.
        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => provider.AuthorizeAsync("o1", "tok_flaky_first", Amount, default));
    }

    private static async Task Settle(SimulatedPaymentProvider provider, string token)
    {
        for (var i = 0; i < SimulatedPaymentProvider.FlakyFailures; i++)
            await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => provider.AuthorizeAsync("o1", token, Amount, default));
    }
}
