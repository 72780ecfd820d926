using System.Globalization;
using Orderly.Contracts;
using Orderly.Contracts.Orders;

namespace Orderly.Notifications.Domain;

/// <summary>What the customer is told for each order event, in plain words.</summary>
public static class CustomerMessages
{
    /// <summary>"We received your order" for OrderPlaced.</summary>
    public static EmailMessage OrderReceived(OrderPlaced e)
    {
        var units = e.Items.Sum(i => i.Quantity);
        return Message(e.OrderId, e.CustomerId, NotificationKind.OrderReceived,
            $"We received your order {e.OrderId}",
            $"Hello {e.ShippingAddress.Name}, we received your order {e.OrderId} " +
            $"({e.Items.Count} {(e.Items.Count == 1 ? "line" : "lines")}, {units} {(units == 1 ? "item" : "items")}). " +
            "We are checking stock and payment now and will write again when it is confirmed.");
    }

    /// <summary>"Your order is confirmed" with the total, for OrderConfirmed.</summary>
    public static EmailMessage OrderConfirmed(OrderConfirmed e) =>
        Message(e.OrderId, e.CustomerId, NotificationKind.OrderConfirmed,
            $"Your order {e.OrderId} is confirmed",
            $"Good news: your order {e.OrderId} is confirmed. Total: {Format(e.Total)}. We will let you know when it ships.");

    /// <summary>"Your order was cancelled" with the reason in words, for OrderCancelled.</summary>
    public static EmailMessage OrderCancelled(OrderCancelled e) =>
        Message(e.OrderId, e.CustomerId, NotificationKind.OrderCancelled,
            $"Your order {e.OrderId} was cancelled",
            $"We are sorry: your order {e.OrderId} was cancelled. {ReasonText(e.Reason)}");

    /// <summary>A sentence for a cancellation reason code; an unknown code gets a general sentence, never the raw code.</summary>
    public static string ReasonText(string reason) => reason switch
    {
        "out-of-stock" => "Some of the items you ordered are out of stock.",
        "payment-declined" => "Your payment was declined.",
        "payment-failed" or "capture-failed" => "We could not take your payment.",
        "shipping-unavailable" => "We cannot ship to the address you gave.",
        "timeout" => "We could not complete your order in time.",
        "customer-request" => "You asked us to cancel it.",
        _ => "We could not complete your order.",
    };

    private static string Format(Money m) => $"{m.Amount.ToString("0.00##", CultureInfo.InvariantCulture)} {m.Currency}";

    private static EmailMessage Message(string orderId, string customerId, string kind, string subject, string body) =>
        new(EmailMessage.NotificationIdFor(orderId, kind), customerId, orderId, kind, subject, body);
}
