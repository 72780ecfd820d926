using Orderly.Checkout.Saga;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;

namespace Orderly.Checkout.Tests;

/// <summary>The check itself, and the step ids the reply handler reads the step from.</summary>
public sealed class ReplyCheckTests
{
    private static readonly Money Total = new(37.50m, "EUR");
    private static readonly ReplyCheck Known = new ReplyCheck("order-1") with { Total = Total, PaymentId = "pay-1", ShipmentId = "shp-1" };

    [Fact]
    public void Every_mismatch_of_a_reply_is_named_with_what_was_expected_and_what_came()
    {
        var mismatches = Known.Mismatches(new CapturePayment("order-1", "pay-1"), new PaymentCaptured("order-2", "pay-2", new Money(1m, "USD")));

        Assert.Equal(["orderId: expected order-1, got order-2", "paymentId: expected pay-1, got pay-2", "amount: expected 37.50 EUR, got 1 USD"], mismatches);
    }

    [Fact]
    public void A_reply_that_matches_what_was_asked_has_no_mismatch()
    {
        Assert.Empty(Known.Mismatches(new ReserveStock("order-1", [new OrderLine("A", 1), new OrderLine("B", 2), new OrderLine("A", 2)]),
            new StockReserved("order-1", [new PricedLine("A", 3, 2.50m, "EUR"), new PricedLine("B", 2, 15m, "EUR")], new Money(37.5m, "EUR"))));
        Assert.Empty(Known.Mismatches(new AuthorizePayment("order-1", Total, "tok"), new PaymentAuthorized("order-1", "pay-9", Total)));
        Assert.Empty(Known.Mismatches(new ConfirmOrder("order-1", Total), new OrderConfirmed("order-1", "cust-1", Total, DateTimeOffset.UnixEpoch)));
        Assert.Empty(Known.Mismatches(new VoidPayment("order-1"), new PaymentVoided("order-1", "pay-1")));
        Assert.Empty(Known.Mismatches(new CancelShipment("order-1"), new ShipmentCancelled("order-1", null)));
        Assert.Empty(Known.Mismatches(new CancelOrder("order-1", "timeout"), new OrderCancelled("order-1", "cust-1", "out-of-stock", DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void A_compensation_reply_naming_another_shipment_is_a_mismatch()
    {
        Assert.Equal(["shipmentId: expected shp-1, got shp-2"], Known.Mismatches(new CancelShipment("order-1"), new ShipmentCancelled("order-1", "shp-2")));
    }

    [Fact]
    public void A_void_is_checked_against_a_payment_only_when_one_was_authorized()
    {
        Assert.Empty(new ReplyCheck("order-1").Mismatches(new VoidPayment("order-1"), new PaymentVoided("order-1", "pay-late")));
    }

    [Fact]
    public void A_capture_before_any_reserved_total_is_a_mismatch()
    {
        Assert.Equal(["amount: expected none, got 37.50 EUR"],
            new ReplyCheck("order-1").Mismatches(new CapturePayment("order-1", "pay-1"), new PaymentCaptured("order-1", "pay-1", Total)));
    }

    [Fact]
    public void A_reservation_whose_sum_overflows_is_a_mismatch_not_a_crash()
    {
        var mismatches = Known.Mismatches(new ReserveStock("order-1", [new OrderLine("A", 1000)]),
            new StockReserved("order-1", [new PricedLine("A", 1000, decimal.MaxValue / 10, "EUR")], Total));

        Assert.Contains(mismatches, m => m.StartsWith("total: the lines' sum overflows", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ReserveStock", typeof(StockReserved), true)]
    [InlineData("ReserveStock", typeof(StockReservationRejected), true)]
    [InlineData("AuthorizePayment", typeof(PaymentCaptured), false)]
    [InlineData("CapturePayment", typeof(PaymentCaptured), true)]
    [InlineData("ConfirmOrder", typeof(OrderCancelled), false)]
    [InlineData("RefundPayment", typeof(PaymentVoided), false)]
    public void Each_step_is_answered_only_by_the_replies_of_its_command(string step, Type reply, bool answers) =>
        Assert.Equal(answers, ReplyCheck.Answers(step, reply));

    [Theory]
    [InlineData("ReserveStock", 1)]
    [InlineData("CapturePayment", 1)]
    [InlineData("VoidPayment", 12)]
    public void A_step_id_names_its_step_again(string step, int attempt)
    {
        var id = CheckoutMessageIds.For("order-1", step, attempt);

        Assert.True(CheckoutMessageIds.TryReadStep(id, "order-1", out var read));
        Assert.Equal(step, read);
    }

    [Theory]
    [InlineData("checkout-order-2-capture-payment-1")] // another order's
    [InlineData("checkout-order-1-capture-payment")] // no attempt
    [InlineData("checkout-order-1-capture-payment-0")]
    [InlineData("checkout-order-1--1")]
    [InlineData("checkout-order-1-Capture-payment-1")]
    [InlineData("placed-1")]
    [InlineData("")]
    public void Anything_else_is_no_step_id_of_the_order(string messageId) =>
        Assert.False(CheckoutMessageIds.TryReadStep(messageId, "order-1", out _));

    [Fact]
    public void An_order_id_with_dashes_is_read_from_its_own_prefix()
    {
        var id = CheckoutMessageIds.For("ord-9f-1", "CommitStock", 2);

        Assert.Equal("checkout-ord-9f-1-commit-stock-2", id);
        Assert.True(CheckoutMessageIds.TryReadStep(id, "ord-9f-1", out var step));
        Assert.Equal("CommitStock", step);
        Assert.False(CheckoutMessageIds.TryReadStep(id, "ord-9f", out _));
    }
}
