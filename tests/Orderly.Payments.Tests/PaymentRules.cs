using Orderly.Contracts;
using Orderly.Payments.Domain;

namespace Orderly.Payments.Tests;

public class PaymentRules
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static Payment Authorized() => Payment.Authorized("o1", "pay_1", new Money(10m, "EUR"), "ref", Now);

    [Fact]
    public void Only_an_authorized_payment_can_be_captured()
    {
        Assert.Throws<PaymentRuleViolationException>(() => Payment.Declined("o1", "pay_1", new Money(1m, "EUR"), "declined", Now).Capture(Now));
        Assert.Throws<PaymentRuleViolationException>(() => Payment.VoidedBeforeAuthorization("o1", Now).Capture(Now));
        var p = Authorized();
        Assert.True(p.Capture(Now));
        Assert.Equal(PaymentStatus.Captured, p.Status);
    }

    [Fact]
    public void Capturing_twice_takes_the_money_once()
    {
        var p = Authorized();
        Assert.True(p.Capture(Now));
        Assert.False(p.Capture(Now));
    }

    [Fact]
    public void A_captured_payment_cannot_be_voided()
    {
        var p = Authorized();
        p.Capture(Now);
        Assert.Throws<PaymentRuleViolationException>(() => p.Void(Now));
        Assert.Equal(PaymentStatus.Captured, p.Status);
    }

    [Fact]
    public void Voiding_gives_up_the_authorization_once_and_a_voided_payment_cannot_be_captured()
    {
        var p = Authorized();
        Assert.True(p.Void(Now));
        Assert.False(p.Void(Now));
        Assert.Throws<PaymentRuleViolationException>(() => p.Capture(Now));
    }
}
