using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Payments;
using Orderly.Payments.Domain;
using Orderly.Payments.Handlers;
using Orderly.Payments.Provider;

namespace Orderly.Payments.Tests;

public sealed class PaymentCommands : IAsyncLifetime
{
    private static readonly Money Ten = new(10m, "EUR");
    private readonly PaymentsHarness _h = new(TimeSpan.FromMilliseconds(200));

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<object> AuthorizeAsync(string orderId, string token) => _h.ReplyToAsync(_h.Authorize, new AuthorizePayment(orderId, Ten, token));

    [Fact]
    public async Task An_ordinary_token_is_authorized_and_authorizing_again_calls_the_provider_once()
    {
        var first = Assert.IsType<PaymentAuthorized>(await AuthorizeAsync("o1", "tok_visa"));
        var again = Assert.IsType<PaymentAuthorized>(await AuthorizeAsync("o1", "tok_visa"));

        Assert.Equal(first.PaymentId, again.PaymentId);
        Assert.Equal(Ten, first.Amount);
        Assert.Equal(1, _h.Counting.Authorizations);
        Assert.Equal(PaymentStatus.Authorized, (await _h.PaymentAsync("o1"))!.Status);
    }

    [Fact]
    public async Task A_decline_token_is_declined_and_the_decline_is_remembered()
    {
        Assert.Equal("declined", Assert.IsType<PaymentDeclined>(await AuthorizeAsync("o1", "tok_decline_card")).Reason);
        Assert.Equal("declined", Assert.IsType<PaymentDeclined>(await AuthorizeAsync("o1", "tok_decline_card")).Reason);
        Assert.Equal(1, _h.Counting.Authorizations);
    }

    [Fact]
    public async Task A_flaky_token_fails_twice_transiently_then_is_authorized()
    {
        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync("o1", "tok_flaky_1"));
        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => AuthorizeAsync("o1", "tok_flaky_1"));
        Assert.Null(await _h.PaymentAsync("o1"));

        Assert.IsType<PaymentAuthorized>(await AuthorizeAsync("o1", "tok_flaky_1"));
    }

    [Fact]
    public async Task A_flaky_token_retried_inside_the_edge_replies_how_many_times_the_provider_was_asked()
    {
        // The module's edge with its default two retries in the call: the simulator fails a flaky token twice, then answers.
        var edge = new ResilientPaymentProvider(new SimulatedPaymentProvider(),
            new PaymentsOptions(PaymentProviders.Simulated, Destinations.PaymentsCommands, PaymentsOptions.DefaultProviderTimeout, 2,
                CircuitBreakerOptions.Default with { MinimumThroughput = int.MaxValue }),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ResilientPaymentProvider>.Instance);
        var authorize = new AuthorizePaymentHandler(edge);

        var flaky = Assert.IsType<PaymentAuthorized>(await _h.ReplyToAsync(authorize, new AuthorizePayment("o1", Ten, "tok_flaky_visible")));
        var plain = Assert.IsType<PaymentAuthorized>(await _h.ReplyToAsync(authorize, new AuthorizePayment("o2", Ten, "tok_visa")));
        var again = Assert.IsType<PaymentAuthorized>(await _h.ReplyToAsync(authorize, new AuthorizePayment("o1", Ten, "tok_flaky_visible")));

        Assert.Equal((3, 1), (flaky.ProviderAttempts, plain.ProviderAttempts));
        Assert.Null(again.ProviderAttempts); // answered from the stored outcome: the provider was not asked
    }

    [Fact]
    public async Task A_provider_that_never_answers_becomes_a_timeout_and_leaves_nothing_behind()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => AuthorizeAsync("o1", "tok_timeout_1"));
        Assert.Null(await _h.PaymentAsync("o1"));
    }

    [Fact]
    public async Task A_void_before_the_authorization_makes_the_late_authorization_declined_without_calling_the_provider()
    {
        var voided = Assert.IsType<PaymentVoided>(await _h.ReplyToAsync(_h.Void, new VoidPayment("o1")));
        Assert.Null(voided.PaymentId);

        var late = Assert.IsType<PaymentDeclined>(await AuthorizeAsync("o1", "tok_visa"));

        Assert.Equal("voided", late.Reason);
        Assert.Equal(0, _h.Counting.Authorizations);
    }

    [Fact]
    public async Task A_void_arriving_while_the_provider_decides_undoes_the_authorization_it_then_gives()
    {
        _h.Counting.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var authorizing = AuthorizeAsync("o1", "tok_visa");
        await _h.Counting.Entered.Task;

        await _h.ReplyToAsync(_h.Void, new VoidPayment("o1"));
        _h.Counting.Gate.SetResult();

        Assert.Equal("voided", Assert.IsType<PaymentDeclined>(await authorizing).Reason);
        Assert.Single(_h.Counting.Voids);
        Assert.Equal(PaymentStatus.Voided, (await _h.PaymentAsync("o1"))!.Status);
    }

    [Fact]
    public async Task Voiding_an_authorization_voids_it_at_the_provider_once()
    {
        var auth = Assert.IsType<PaymentAuthorized>(await AuthorizeAsync("o1", "tok_visa"));

        Assert.Equal(auth.PaymentId, Assert.IsType<PaymentVoided>(await _h.ReplyToAsync(_h.Void, new VoidPayment("o1"))).PaymentId);
        Assert.IsType<PaymentVoided>(await _h.ReplyToAsync(_h.Void, new VoidPayment("o1")));

        Assert.Single(_h.Counting.Voids);
    }

    [Fact]
    public async Task Capturing_an_authorization_captures_once()
    {
        var auth = Assert.IsType<PaymentAuthorized>(await AuthorizeAsync("o1", "tok_visa"));

        var captured = Assert.IsType<PaymentCaptured>(await _h.ReplyToAsync(_h.Capture, new CapturePayment("o1", auth.PaymentId)));
        Assert.IsType<PaymentCaptured>(await _h.ReplyToAsync(_h.Capture, new CapturePayment("o1", auth.PaymentId)));

        Assert.Equal(Ten, captured.Amount);
        Assert.Equal(1, _h.Counting.Captures);
    }

    [Fact]
    public async Task Capturing_what_was_never_authorized_or_was_voided_fails_with_a_reason()
    {
        Assert.Equal("not-authorized", Assert.IsType<PaymentCaptureFailed>(await _h.ReplyToAsync(_h.Capture, new CapturePayment("o1", "pay_x"))).Reason);

        var auth = Assert.IsType<PaymentAuthorized>(await AuthorizeAsync("o2", "tok_visa"));
        await _h.ReplyToAsync(_h.Void, new VoidPayment("o2"));
        Assert.Equal("voided", Assert.IsType<PaymentCaptureFailed>(await _h.ReplyToAsync(_h.Capture, new CapturePayment("o2", auth.PaymentId))).Reason);
        Assert.Equal(0, _h.Counting.Captures);
    }

    [Fact]
    public async Task Voiding_a_payment_captured_meanwhile_refunds_it_once()
    {
        // The saga gave up on a slow capture and compensates; the capture went through after all.
        var auth = Assert.IsType<PaymentAuthorized>(await AuthorizeAsync("o1", "tok_visa"));
        await _h.ReplyToAsync(_h.Capture, new CapturePayment("o1", auth.PaymentId));

        Assert.Equal(auth.PaymentId, Assert.IsType<PaymentVoided>(await _h.ReplyToAsync(_h.Void, new VoidPayment("o1"))).PaymentId);
        Assert.IsType<PaymentVoided>(await _h.ReplyToAsync(_h.Void, new VoidPayment("o1")));

        var payment = (await _h.PaymentAsync("o1"))!;
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal([(payment.ProviderReference!, Ten)], _h.Counting.Refunds);
        Assert.Empty(_h.Counting.Voids);
        Assert.Equal("refunded", Assert.IsType<PaymentCaptureFailed>(await _h.ReplyToAsync(_h.Capture, new CapturePayment("o1", auth.PaymentId))).Reason);
    }
}
