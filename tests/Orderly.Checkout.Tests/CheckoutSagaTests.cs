using Microsoft.Extensions.Logging;
using Orderly.Checkout.Saga;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

public sealed class CheckoutSagaTests
{
    private static async Task<(ScriptedSagaContext Context, CheckoutStatus Result)> Run(Func<string, CheckoutCommand, Answer?>? overrides = null,
        CheckoutSettings? settings = null, ILoggerFactory? loggers = null)
    {
        var context = new ScriptedSagaContext(Script(overrides), loggers: loggers);
        var result = await CheckoutSaga.RunAsync(context, Input(settings));
        return (context, result);
    }

    private static List<string> Kinds(ScriptedSagaContext c) => c.Sent.Select(KindOf).ToList();

    [Fact]
    public async Task Happy_path_sends_the_six_commands_in_order_and_completes()
    {
        var (ctx, result) = await Run();

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], Kinds(ctx));
        Assert.Equal(CheckoutStatus.Completed, result.Status);
        Assert.Null(result.CurrentStep);
        Assert.All(result.Steps, s => Assert.Equal(StepRecord.Succeeded, s.Status));
        Assert.Empty(result.Compensations);
        Assert.Null(result.CancellationReason);
    }

    [Fact]
    public async Task The_reserved_unit_prices_fix_the_authorized_and_confirmed_total()
    {
        var (ctx, _) = await Run();

        Assert.Equal(Total, DataOf<AuthorizePayment>(ctx.Sent[1]).Amount);
        Assert.Equal("tok_ok", DataOf<AuthorizePayment>(ctx.Sent[1]).PaymentToken);
        Assert.Equal("pay-1", DataOf<CapturePayment>(ctx.Sent[3]).PaymentId);
        Assert.Equal(Total, DataOf<ConfirmOrder>(ctx.Sent[5]).Total);
    }

    [Fact]
    public async Task Every_command_is_correlated_traced_and_answered_to_the_reply_queue_under_a_distinct_deterministic_id()
    {
        var (ctx, _) = await Run();

        Assert.All(ctx.Sent, c =>
        {
            Assert.Equal(OrderId, c.CorrelationId);
            Assert.Equal("checkout-replies", c.ReplyTo);
            Assert.Equal(Input().TraceParent, c.TraceParent);
        });
        Assert.Equal(ctx.Sent.Count, ctx.Sent.Select(c => c.MessageId).Distinct().Count());
        Assert.Equal("checkout-order-1-reserve-stock-1", ctx.Sent[0].MessageId);
        Assert.Equal("placed-1", ctx.Sent[0].CausationId);
        Assert.Equal("reply-" + ctx.Sent[0].MessageId, ctx.Sent[1].CausationId);
        Assert.Equal(["inventory-commands", "payments-commands", "shipping-commands", "payments-commands", "inventory-commands", "orders-commands"],
            ctx.Sent.Select(c => c.Destination));
    }

    [Fact]
    public async Task Each_wait_is_for_the_event_named_by_its_commands_message_id_with_the_step_timeout()
    {
        var (ctx, _) = await Run();

        var waits = ctx.Actions.Where(a => a.Kind == "wait").ToList();
        Assert.Equal(ctx.Sent.Select(c => c.MessageId), waits.Select(w => w.Name));
        Assert.All(waits, w => Assert.Equal(TimeSpan.FromSeconds(30).ToString(), w.Input));
    }

    [Fact]
    public async Task Out_of_stock_cancels_the_order_and_never_touches_payment()
    {
        var (ctx, result) = await Run((kind, _) => kind == nameof(ReserveStock)
            ? Answer.With(new StockReservationRejected(OrderId, "out-of-stock", ["SKU-1"]))
            : null);

        Assert.Equal(["ReserveStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal("out-of-stock", DataOf<CancelOrder>(ctx.Sent[1]).Reason);
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal("out-of-stock", result.CancellationReason);
        Assert.Equal(StepRecord.Rejected, result.Steps[0].Status);
    }

    [Fact]
    public async Task Declined_payment_releases_the_stock_then_cancels_the_order()
    {
        var (ctx, result) = await Run((kind, _) => kind == nameof(AuthorizePayment)
            ? Answer.With(new PaymentDeclined(OrderId, "card-declined"))
            : null);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal("payment-declined", DataOf<CancelOrder>(ctx.Sent[3]).Reason);
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal(["ReleaseStock", "CancelOrder"], result.Compensations.Select(c => c.Name));
        Assert.All(result.Compensations, c => Assert.Equal(CompensationRecord.Succeeded, c.Status));
    }

    [Fact]
    public async Task Rejected_shipment_voids_the_payment_by_its_id_then_releases_stock_then_cancels()
    {
        var (ctx, result) = await Run((kind, _) => kind == nameof(CreateShipment)
            ? Answer.With(new ShipmentRejected(OrderId, "country-not-served"))
            : null);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal("shipping-unavailable", DataOf<CancelOrder>(ctx.Sent[5]).Reason);
        var voiding = Assert.Single(result.Compensations, c => c.Name == "VoidPayment");
        Assert.Equal("pay-1", voiding.Reference); // registered with what the authorization returned, not its input
        Assert.Equal("AuthorizePayment", voiding.ForStep);
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
    }

    [Fact]
    public async Task Timeout_at_payment_voids_the_possible_late_authorization_releases_stock_and_cancels_for_timeout()
    {
        var (ctx, result) = await Run((kind, _) => kind == nameof(AuthorizePayment) ? Answer.Silence : null);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal("timeout", DataOf<CancelOrder>(ctx.Sent[4]).Reason);
        Assert.Equal(StepRecord.TimedOut, result.Steps[1].Status);
        Assert.Null(result.Compensations[0].Reference); // nothing was returned: the void is a tombstone by order id
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
    }

    [Fact]
    public async Task Capture_failure_undoes_shipment_payment_and_stock_newest_first()
    {
        var (ctx, result) = await Run((kind, _) => kind == nameof(CapturePayment)
            ? Answer.With(new PaymentCaptureFailed(OrderId, "pay-1", "insufficient-funds"))
            : null);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CancelShipment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal("payment-capture-failed", DataOf<CancelOrder>(ctx.Sent[7]).Reason);
        Assert.Equal("shp-1", result.Compensations[0].Reference);
        Assert.Equal(CheckoutStatus.Compensated, result.Status);
    }

    [Fact]
    public async Task A_command_that_cannot_be_sent_is_compensated_like_a_timeout()
    {
        var (ctx, result) = await Run((kind, _) => kind == nameof(CreateShipment) ? Answer.SendFails : null);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CancelShipment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(ctx));
        Assert.Equal(StepRecord.Failed, result.Steps[2].Status);
        Assert.Equal("step-failed", result.CancellationReason);
    }

    [Fact]
    public async Task A_compensation_that_keeps_failing_leaves_the_saga_Failed_naming_it_and_raises_an_alert()
    {
        var log = new CapturingLoggerFactory();
        var (ctx, result) = await Run((kind, _) => kind switch
        {
            nameof(CreateShipment) => Answer.With(new ShipmentRejected(OrderId, "country-not-served")),
            nameof(VoidPayment) => Answer.Silence,
            _ => null,
        }, Settings(compensationAttempts: 3), log);

        Assert.Equal(CheckoutStatus.Failed, result.Status);
        Assert.Equal(["VoidPayment"], result.NeedsAttention);
        var voiding = result.Compensations.Single(c => c.Name == "VoidPayment");
        Assert.Equal(CompensationRecord.Failed, voiding.Status);
        Assert.Equal(3, voiding.Attempts);
        // Each attempt is a new command id, so a late reply to attempt 1 cannot be taken for attempt 2's.
        Assert.Equal(["checkout-order-1-void-payment-1", "checkout-order-1-void-payment-2", "checkout-order-1-void-payment-3"],
            ctx.Sent.Where(c => KindOf(c) == "VoidPayment").Select(c => c.MessageId));
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], ctx.Delays);
        // The others still ran: nothing else is left held.
        Assert.All(result.Compensations.Where(c => c.Name != "VoidPayment"), c => Assert.Equal(CompensationRecord.Succeeded, c.Status));
        var alert = Assert.Single(log.Entries, e => e.Level == LogLevel.Critical);
        Assert.Equal("CheckoutSagaFailed", alert.EventId.Name);
        Assert.Contains("VoidPayment", alert.Message);
        Assert.Contains(OrderId, alert.Message);
    }

    [Fact]
    public async Task A_compensation_that_fails_once_is_retried_and_the_saga_ends_Compensated()
    {
        var (ctx, result) = await Run((kind, c) => kind switch
        {
            nameof(AuthorizePayment) => Answer.With(new PaymentDeclined(OrderId, "declined")),
            nameof(ReleaseStock) when c.MessageId.EndsWith("-1", StringComparison.Ordinal) => Answer.Silence,
            _ => null,
        });

        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal(2, result.Compensations[0].Attempts);
        Assert.Equal(2, ctx.Sent.Count(c => KindOf(c) == "ReleaseStock"));
    }

    [Fact]
    public async Task A_commit_that_never_answers_after_capture_is_not_compensated_but_needs_attention()
    {
        var (ctx, result) = await Run((kind, _) => kind == nameof(CommitStock) ? Answer.Silence : null);

        Assert.Equal(CheckoutStatus.Failed, result.Status);
        Assert.Equal(["CommitStock"], result.NeedsAttention);
        Assert.DoesNotContain(ctx.Sent, c => KindOf(c) is "VoidPayment" or "ReleaseStock" or "CancelOrder");
        Assert.Contains(ctx.Sent, c => KindOf(c) == "ConfirmOrder");
    }

    [Fact]
    public async Task The_status_shows_the_current_step_while_it_runs()
    {
        var (ctx, _) = await Run();

        Assert.Contains(ctx.Statuses, s => s.Contains("\"currentStep\":\"AuthorizePayment\"", StringComparison.Ordinal)
                                           && s.Contains("\"status\":\"Running\"", StringComparison.Ordinal));
        Assert.Contains("\"status\":\"Completed\"", ctx.Statuses[^1], StringComparison.Ordinal);
    }
}
