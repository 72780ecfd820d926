using Microsoft.Extensions.Logging;
using Orderly.Checkout.Saga;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

/// <summary>The saga takes no reply blindly: each one is checked against the command it answers (issue #8, item 4).</summary>
public sealed class CheckoutSagaReplyCheckTests
{
    private static async Task<(ScriptedSagaContext Context, CheckoutStatus Result, CapturingLoggerFactory Log)> Run(
        Func<string, CheckoutCommand, Answer?> overrides, CheckoutInput? input = null)
    {
        var log = new CapturingLoggerFactory();
        var context = new ScriptedSagaContext(Script(overrides), loggers: log);
        var result = await CheckoutSaga.RunAsync(context, input ?? Input());
        return (context, result, log);
    }

    private static decimal Dec(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Kinds(ScriptedSagaContext c) => c.Sent.Select(KindOf).ToList();

    private static CapturingLoggerFactory.Entry MismatchAlert(CapturingLoggerFactory log) =>
        Assert.Single(log.Entries, e => e.Level == LogLevel.Critical && e.EventId.Name == "CheckoutReplyMismatch");

    [Fact]
    public async Task Authorization_for_less_than_the_total_cancels_the_order_voids_the_payment_and_raises_an_alert()
    {
        // The incident: a dead-lettered AuthorizePayment resubmitted with 0.01 for a 99.95 EUR order.
        var input = Input() with { Items = [new OrderLine("SKU-1", 1)] };
        var (ctx, result, log) = await Run((kind, _) => kind switch
        {
            nameof(ReserveStock) => Answer.With(new StockReserved(OrderId, [new PricedLine("SKU-1", 1, 99.95m, "EUR")], new Money(99.95m, "EUR"))),
            nameof(AuthorizePayment) => Answer.With(new PaymentAuthorized(OrderId, "pay-1", new Money(0.01m, "EUR"))),
            _ => null,
        }, input);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal("reply-mismatch", DataOf<CancelOrder>(ctx.Sent[^1]).Reason);
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal("reply-mismatch", result.CancellationReason);
        var authorize = result.Steps.Single(s => s.Name == "AuthorizePayment");
        Assert.Equal(StepRecord.Failed, authorize.Status);
        Assert.Equal("PaymentAuthorized does not match AuthorizePayment: amount: expected 99.95 EUR, got 0.01 EUR", authorize.Detail);
        var alert = MismatchAlert(log);
        Assert.Equal(5101, alert.EventId.Id);
        Assert.Contains(OrderId, alert.Message, StringComparison.Ordinal);
        Assert.Contains("expected 99.95 EUR, got 0.01 EUR", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorization_in_another_currency_cancels_the_order()
    {
        var (ctx, result, log) = await Run((kind, _) => kind == nameof(AuthorizePayment)
            ? Answer.With(new PaymentAuthorized(OrderId, "pay-1", new Money(37.50m, "USD")))
            : null);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal("reply-mismatch", result.CancellationReason);
        Assert.Contains("amount: expected 37.50 EUR, got 37.50 USD", result.Steps[1].Detail, StringComparison.Ordinal);
        MismatchAlert(log);
    }

    [Fact]
    public async Task Amounts_equal_in_value_but_written_with_other_decimals_match()
    {
        var (_, result, log) = await Run((kind, c) => kind switch
        {
            nameof(AuthorizePayment) => Answer.With(new PaymentAuthorized(OrderId, "pay-1", new Money(37.5m, "EUR"))),
            nameof(CapturePayment) => Answer.With(new PaymentCaptured(OrderId, "pay-1", new Money(37.500m, "EUR"))),
            _ => null,
        });

        Assert.Equal(CheckoutStatus.Completed, result.Status);
        Assert.DoesNotContain(log.Entries, e => e.Level == LogLevel.Critical);
    }

    [Fact]
    public async Task A_capture_of_another_amount_is_never_confirmed_and_undoes_shipment_payment_and_stock()
    {
        var (ctx, result, log) = await Run((kind, _) => kind == nameof(CapturePayment)
            ? Answer.With(new PaymentCaptured(OrderId, "pay-1", new Money(0.01m, "EUR")))
            : null);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CancelShipment", "VoidPayment", "ReleaseStock", "CancelOrder"],
            Kinds(ctx));
        Assert.Equal("reply-mismatch", DataOf<CancelOrder>(ctx.Sent[^1]).Reason);
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        var capture = result.Steps.Single(s => s.Name == "CapturePayment");
        Assert.Equal(StepRecord.Failed, capture.Status);
        Assert.Contains("amount: expected 37.50 EUR, got 0.01 EUR", capture.Detail, StringComparison.Ordinal);
        MismatchAlert(log);
    }

    [Fact]
    public async Task A_wrong_capture_that_payments_really_took_ends_Failed_for_a_refund_with_the_order_cancelled()
    {
        // Payments refuses to void a captured payment (dead-letter, no reply): the void is the probe that tells.
        var (ctx, result, log) = await Run((kind, _) => kind switch
        {
            nameof(CapturePayment) => Answer.With(new PaymentCaptured(OrderId, "pay-1", new Money(0.01m, "EUR"))),
            nameof(VoidPayment) => Answer.Silence,
            _ => null,
        });

        Assert.Equal(CheckoutStatus.Failed, result.Status);
        Assert.Equal(["VoidPayment"], result.NeedsAttention);
        Assert.Equal("reply-mismatch", DataOf<CancelOrder>(ctx.Sent[^1]).Reason);
        Assert.DoesNotContain(ctx.Sent, c => KindOf(c) is "CommitStock" or "ConfirmOrder");
        MismatchAlert(log);
        Assert.Single(log.Entries, e => e.Level == LogLevel.Critical && e.EventId.Name == "CheckoutSagaFailed");
    }

    [Fact]
    public async Task A_capture_of_another_payment_is_never_confirmed()
    {
        var (ctx, result, log) = await Run((kind, _) => kind == nameof(CapturePayment)
            ? Answer.With(new PaymentCaptured(OrderId, "pay-someone-else", Total))
            : null);

        Assert.DoesNotContain(ctx.Sent, c => KindOf(c) is "CommitStock" or "ConfirmOrder");
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal("reply-mismatch", result.CancellationReason);
        Assert.Contains("paymentId: expected pay-1, got pay-someone-else", result.Steps[3].Detail, StringComparison.Ordinal);
        MismatchAlert(log);
    }

    [Fact]
    public async Task A_reply_about_another_order_fails_its_step_and_compensates()
    {
        var (ctx, result, log) = await Run((kind, _) => kind == nameof(CreateShipment)
            ? Answer.With(new ShipmentCreated("order-2", "shp-2", "TRK-2"))
            : null);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CancelShipment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal("reply-mismatch", result.CancellationReason);
        Assert.Equal(StepRecord.Failed, result.Steps[2].Status);
        Assert.Contains("orderId: expected order-1, got order-2", result.Steps[2].Detail, StringComparison.Ordinal);
        Assert.Null(result.Compensations[0].Reference); // the other order's shipment id is not taken as ours
        MismatchAlert(log);
    }

    [Fact]
    public async Task A_reply_of_a_type_the_step_never_asks_for_is_a_failed_step_never_a_confirmation()
    {
        // A replayed authorization arriving as the answer to the capture.
        var (ctx, result, log) = await Run((kind, _) => kind == nameof(CapturePayment)
            ? Answer.With(new PaymentAuthorized(OrderId, "pay-1", Total))
            : null);

        Assert.DoesNotContain(ctx.Sent, c => KindOf(c) is "CommitStock" or "ConfirmOrder");
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal("reply-mismatch", result.CancellationReason);
        Assert.Equal("PaymentAuthorized does not match CapturePayment: reply: expected PaymentCaptured or PaymentCaptureFailed, got PaymentAuthorized",
            result.Steps[3].Detail);
        MismatchAlert(log);
    }

    [Theory]
    [InlineData("SKU-1", 3, "12.50", "EUR", "0.01", "total: expected 37.50 EUR (the sum of the lines), got 0.01 EUR")]
    [InlineData("SKU-1", 1, "12.50", "EUR", "12.50", "lines: expected SKU-1 x3, got SKU-1 x1")]
    [InlineData("SKU-9", 3, "12.50", "EUR", "37.50", "lines: expected SKU-1 x3, got SKU-9 x3")]
    [InlineData("SKU-1", 3, "12.50", "USD", "37.50", "lines[SKU-1].currency: expected EUR (the total's), got USD")]
    public async Task A_reservation_that_is_not_consistent_with_its_lines_is_released_and_never_authorized(
        string sku, int quantity, string unitPrice, string lineCurrency, string total, string expected)
    {
        var (ctx, result, log) = await Run((kind, _) => kind == nameof(ReserveStock)
            ? Answer.With(new StockReserved(OrderId, [new PricedLine(sku, quantity, Dec(unitPrice), lineCurrency)], new Money(Dec(total), "EUR")))
            : null);

        Assert.Equal(["ReserveStock", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal("reply-mismatch", result.CancellationReason);
        Assert.Contains(expected, result.Steps[0].Detail, StringComparison.Ordinal);
        MismatchAlert(log);
    }

    [Fact]
    public async Task A_confirmation_at_another_total_ends_Failed_not_Completed_and_is_not_asked_again()
    {
        var (ctx, result, log) = await Run((kind, _) => kind == nameof(ConfirmOrder)
            ? Answer.With(new OrderConfirmed(OrderId, "cust-1", new Money(0.01m, "EUR"), DateTimeOffset.UnixEpoch))
            : null);

        Assert.Equal(CheckoutStatus.Failed, result.Status);
        Assert.Equal(["ConfirmOrder"], result.NeedsAttention);
        Assert.Single(ctx.Sent, c => KindOf(c) == "ConfirmOrder");
        var confirm = result.Steps.Single(s => s.Name == "ConfirmOrder");
        Assert.Equal(StepRecord.Failed, confirm.Status);
        Assert.Contains("total: expected 37.50 EUR, got 0.01 EUR", confirm.Detail, StringComparison.Ordinal);
        MismatchAlert(log);
    }

    [Fact]
    public async Task A_void_that_names_another_payment_leaves_the_saga_Failed_naming_the_void()
    {
        var (ctx, result, log) = await Run((kind, _) => kind switch
        {
            nameof(CreateShipment) => Answer.With(new ShipmentRejected(OrderId, "country-not-served")),
            nameof(VoidPayment) => Answer.With(new PaymentVoided(OrderId, "pay-other")),
            _ => null,
        });

        Assert.Equal(CheckoutStatus.Failed, result.Status);
        Assert.Equal(["VoidPayment"], result.NeedsAttention);
        Assert.Single(ctx.Sent, c => KindOf(c) == "VoidPayment");
        var voiding = result.Compensations.Single(c => c.Name == "VoidPayment");
        Assert.Equal(CompensationRecord.Failed, voiding.Status);
        Assert.Contains("paymentId: expected pay-1, got pay-other", voiding.Detail, StringComparison.Ordinal);
        // The other compensations still ran.
        Assert.Equal(CompensationRecord.Succeeded, result.Compensations.Single(c => c.Name == "ReleaseStock").Status);
        Assert.Equal(CompensationRecord.Succeeded, result.Compensations.Single(c => c.Name == "CancelOrder").Status);
        MismatchAlert(log);
    }

    [Fact]
    public async Task A_compensation_reply_that_names_nothing_undone_is_taken()
    {
        // Payments and shipping name the payment or shipment only when one was there to void or cancel.
        var (_, result, log) = await Run((kind, _) => kind switch
        {
            nameof(CapturePayment) => Answer.With(new PaymentCaptureFailed(OrderId, "pay-1", "insufficient-funds")),
            nameof(VoidPayment) => Answer.With(new PaymentVoided(OrderId)),
            nameof(CancelShipment) => Answer.With(new ShipmentCancelled(OrderId)),
            _ => null,
        });

        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal("payment-capture-failed", result.CancellationReason);
        Assert.DoesNotContain(log.Entries, e => e.Level == LogLevel.Critical);
    }
}
