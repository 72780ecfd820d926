using Microsoft.Extensions.Logging;
using Orderly.Contracts;

namespace Orderly.Messaging.ServiceBus.Tests;

/// <summary>How a trigger's message is settled as the consumer pipeline decides, without a namespace.</summary>
public sealed class SettlementTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly string Notifications = EntityPath.Subscription(Destinations.OrdersEvents, "notifications");

    private static (ServiceBusSettlement Settlement, RecordedDelivery Delivery, CapturedLogs Logs) Settle(string entity)
    {
        var sent = new OutgoingMessage(entity, Messages.Command()).ToServiceBusMessage();
        var delivery = new RecordedDelivery(Messages.Delivered(sent, deliveryCount: 3));
        var logs = new CapturedLogs();
        return (new ServiceBusSettlement(delivery, entity, Namespace.Senders(), logs.For<ServiceBusSettlement>()), delivery, logs);
    }

    [Fact]
    public async Task Complete_completes_the_delivery()
    {
        var (settlement, delivery, _) = Settle(Destinations.PaymentsCommands);
        await settlement.CompleteAsync();
        Assert.Equal(["complete"], delivery.Calls);
    }

    [Fact]
    public async Task A_dead_letter_goes_to_the_broker_with_its_reason_and_is_stamped_and_logged_too()
    {
        var (settlement, delivery, logs) = Settle(Destinations.PaymentsCommands);

        await settlement.DeadLetterAsync("malformed", "not JSON");

        Assert.Equal(["dead-letter"], delivery.Calls);
        var (properties, reason, description) = delivery.DeadLetter!.Value;
        Assert.Equal(("malformed", "not JSON"), (reason, description));
        Assert.Equal("malformed", properties[ServiceBusSettlement.ReasonProperty]);
        Assert.Equal("not JSON", properties[ServiceBusSettlement.DescriptionProperty]);
        var line = Assert.Single(logs.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("malformed", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_retry_abandons_the_delivery_and_sends_nothing()
    {
        // Nothing can be sent: the client points at an address where no broker listens, so a send would throw.
        var (settlement, delivery, _) = Settle(Notifications);

        await settlement.RetryLaterAsync(TimeSpan.Zero, spendsAttempt: true);

        Assert.Equal(["abandon"], delivery.Calls);
    }

    [Fact]
    public void A_deferred_copy_gives_its_attempt_back_and_counts_one_more_deferral()
    {
        var sent = new OutgoingMessage(Destinations.PaymentsCommands, Messages.Command()).ToServiceBusMessage();
        sent.ApplicationProperties[ReceivedMessage.PriorAttemptsProperty] = 2;
        sent.ApplicationProperties[ReceivedMessage.DeferralsProperty] = 4;
        var received = Messages.Delivered(sent, deliveryCount: 1);

        var copy = ServiceBusSettlement.RetryCopy(received, Destinations.PaymentsCommands, Now.AddSeconds(30), spendsAttempt: false);

        // Delivered as attempt 3; its copy's first delivery (DeliveryCount 1) is attempt 3 again.
        var next = Messages.Delivered(copy, deliveryCount: 1).ToReceivedMessage(Destinations.PaymentsCommands);
        Assert.Equal(3, next.Attempt);
        Assert.Equal(5, next.Deferrals);
        Assert.Equal(Now.AddSeconds(30), copy.ScheduledEnqueueTime);
    }

    [Fact]
    public void A_retry_copy_keeps_body_headers_and_properties_under_a_new_id_and_counts_the_attempts()
    {
        var sent = new OutgoingMessage(Destinations.PaymentsCommands, Messages.Command()).ToServiceBusMessage();
        sent.ApplicationProperties[ReceivedMessage.PriorAttemptsProperty] = 2;
        var received = Messages.Delivered(sent, deliveryCount: 3);

        var copy = ServiceBusSettlement.RetryCopy(received, Destinations.PaymentsCommands, Now.AddSeconds(8));

        Assert.NotEqual(received.MessageId, copy.MessageId);
        Assert.Equal(Now.AddSeconds(8), copy.ScheduledEnqueueTime);
        Assert.Equal(5, copy.ApplicationProperties[ReceivedMessage.PriorAttemptsProperty]);
        Assert.Equal(received.Body.ToArray(), copy.Body.ToArray());
        Assert.Equal((received.CorrelationId, received.Subject, received.ContentType, received.ReplyTo),
            (copy.CorrelationId, copy.Subject, copy.ContentType, copy.ReplyTo));
        Assert.Equal(Messages.TraceParent, copy.ApplicationProperties[ServiceBusMessageMapping.TraceParentProperty]);
    }

    [Fact]
    public void Two_retry_copies_of_one_message_are_not_duplicates_of_each_other()
    {
        var received = Messages.Delivered(new OutgoingMessage(Destinations.PaymentsCommands, Messages.Command()).ToServiceBusMessage());
        var first = ServiceBusSettlement.RetryCopy(received, Destinations.PaymentsCommands, Now);
        var second = ServiceBusSettlement.RetryCopy(received, Destinations.PaymentsCommands, Now);
        Assert.NotEqual(first.MessageId, second.MessageId);
    }
}
