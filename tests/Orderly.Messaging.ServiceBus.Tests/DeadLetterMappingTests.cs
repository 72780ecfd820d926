using System.Text;
using Azure.Messaging.ServiceBus;
using Orderly.Contracts;

namespace Orderly.Messaging.ServiceBus.Tests;

/// <summary>How a message in a <c>$DeadLetterQueue</c> reads in triage, and how its resend is made.</summary>
public sealed class DeadLetterMappingTests
{
    private static readonly string ReadModel = EntityPath.Subscription(Destinations.OrdersEvents, "orders-read-model");

    private static ServiceBusMessage Sent(string destination) => new OutgoingMessage(destination, Messages.Command()).ToServiceBusMessage();

    [Fact]
    public void The_broker_reason_and_description_are_the_letter_reason_and_description()
    {
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands,
            Messages.DeadLettered(Sent(Destinations.PaymentsCommands), "MaxDeliveryCountExceeded", "Message could not be consumed after 10 delivery attempts."));

        Assert.Equal("MaxDeliveryCountExceeded", letter.Reason);
        Assert.Equal("Message could not be consumed after 10 delivery attempts.", letter.Description);
    }

    [Fact]
    public void A_reason_the_broker_dropped_is_read_from_the_settlement_stamp()
    {
        var stamped = ServiceBusSettlement.DeadLetterStamp("no-handler", "Nothing on payments-commands handles x.");
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands,
            Messages.DeadLettered(Sent(Destinations.PaymentsCommands), reason: null, description: null, stamped));

        Assert.Equal("no-handler", letter.Reason);
        Assert.Equal("Nothing on payments-commands handles x.", letter.Description);
    }

    [Fact]
    public void The_broker_reason_wins_over_the_stamp()
    {
        var stamped = ServiceBusSettlement.DeadLetterStamp("stamped", "stamped description");
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands,
            Messages.DeadLettered(Sent(Destinations.PaymentsCommands), "broker", "broker description", stamped));

        Assert.Equal(("broker", "broker description"), (letter.Reason, letter.Description));
    }

    [Fact]
    public void A_letter_without_any_reason_says_unknown()
    {
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands,
            Messages.DeadLettered(Sent(Destinations.PaymentsCommands), reason: null, description: null));

        Assert.Equal(("unknown", ""), (letter.Reason, letter.Description));
    }

    [Fact]
    public void A_pending_letter_is_named_by_entity_and_sequence_number_and_keeps_the_message_as_it_was()
    {
        var sent = Sent(Destinations.PaymentsCommands);
        var dead = Messages.DeadLettered(sent, "malformed", "bad", sequenceNumber: 981);

        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands, dead);

        Assert.Equal("payments-commands|981", letter.Id);
        Assert.Equal(Destinations.PaymentsCommands, letter.Entity);
        Assert.Equal(sent.MessageId, letter.MessageId);
        Assert.Equal(sent.Body.ToArray(), letter.Body.ToArray());
        Assert.Equal(10, letter.DeliveryCount);
        Assert.Equal(dead.EnqueuedTime, letter.FirstFailureAt);
        Assert.Equal(DeadLetterStatus.Pending, letter.Status);
        Assert.Equal(Messages.TraceParent, letter.Properties[ServiceBusMessageMapping.TraceParentProperty]);
    }

    [Fact]
    public void Its_trail_starts_with_the_dead_lettering_by_the_system()
    {
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands,
            Messages.DeadLettered(Sent(Destinations.PaymentsCommands), "malformed", "bad"));

        var first = ServiceBusDeadLetterMapping.DeadLettered(letter);

        Assert.Equal((DeadLetterAction.DeadLettered, DeadLetterTriage.SystemActor, "malformed: bad"), (first.Action, first.Actor, first.Note));
    }

    [Fact]
    public void A_queue_resend_goes_to_the_queue_under_a_new_id_without_the_dead_letter_properties()
    {
        var sent = Sent(Destinations.PaymentsCommands);
        sent.ApplicationProperties[ReceivedMessage.PriorAttemptsProperty] = 3;
        var dead = Messages.DeadLettered(sent, "broker", "description", ServiceBusSettlement.DeadLetterStamp("stamped", "stamped"));
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands, dead);
        var copy = new ServiceBusMessage(dead);

        var target = ServiceBusDeadLetterMapping.PrepareResend(letter, copy, "new-id", editedBody: null);

        Assert.Equal(Destinations.PaymentsCommands, target);
        Assert.Equal("new-id", copy.MessageId);
        Assert.Equal(sent.MessageId, copy.ApplicationProperties[DeadLetterTriage.OriginalMessageIdProperty]);
        Assert.Equal(Messages.TraceParent, copy.ApplicationProperties[ServiceBusMessageMapping.TraceParentProperty]);
        foreach (var gone in new[] { ServiceBusDeadLetterMapping.BrokerReasonProperty, ServiceBusDeadLetterMapping.BrokerDescriptionProperty,
                     ServiceBusSettlement.ReasonProperty, ServiceBusSettlement.DescriptionProperty, ReceivedMessage.PriorAttemptsProperty })
            Assert.False(copy.ApplicationProperties.ContainsKey(gone), gone);
        Assert.False(copy.ApplicationProperties.ContainsKey(ServiceBusDeadLetterMapping.ResubmittedForProperty));
    }

    [Fact]
    public void A_subscription_resend_goes_to_the_topic_marked_for_its_subscription()
    {
        var dead = Messages.DeadLettered(Sent(Destinations.OrdersEvents), "broker", "description");
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(ReadModel, dead);
        var copy = new ServiceBusMessage(dead);

        var target = ServiceBusDeadLetterMapping.PrepareResend(letter, copy, "new-id", editedBody: null);

        Assert.Equal(Destinations.OrdersEvents, target);
        Assert.Equal("orders-read-model", copy.ApplicationProperties[ServiceBusDeadLetterMapping.ResubmittedForProperty]);
    }

    [Fact]
    public void An_edited_body_replaces_the_body_of_the_resend()
    {
        var dead = Messages.DeadLettered(Sent(Destinations.PaymentsCommands), "invalid-data", "amount");
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands, dead);
        var edited = Encoding.UTF8.GetBytes("{\"edited\":true}");
        var copy = new ServiceBusMessage(dead);

        ServiceBusDeadLetterMapping.PrepareResend(letter, copy, "new-id", edited);

        Assert.Equal(edited, copy.Body.ToArray());
    }

    [Fact]
    public void A_subscription_edit_must_keep_the_envelope_id_and_a_queue_edit_need_not()
    {
        var envelope = Messages.Command();
        var renamed = EnvelopeJson.Serialize(envelope with { Id = "another-id" });
        var subscriptionLetter = ServiceBusDeadLetterMapping.ToDeadLetter(ReadModel, Messages.DeadLettered(Sent(Destinations.OrdersEvents), "x", "y"));
        var queueLetter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands, Messages.DeadLettered(Sent(Destinations.PaymentsCommands), "x", "y"));

        var rejected = Assert.Throws<DeadLetterEditRejectedException>(() => ServiceBusDeadLetterMapping.EnsureEdit(subscriptionLetter, renamed));
        Assert.Equal("id", rejected.Problem.Field);
        ServiceBusDeadLetterMapping.EnsureEdit(queueLetter, renamed);
        ServiceBusDeadLetterMapping.EnsureEdit(subscriptionLetter, EnvelopeJson.Serialize(envelope));
    }

    [Fact]
    public void The_port_edit_rules_apply_too()
    {
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands, Messages.DeadLettered(Sent(Destinations.PaymentsCommands), "x", "y"));
        var rejected = Assert.Throws<DeadLetterEditRejectedException>(() => ServiceBusDeadLetterMapping.EnsureEdit(letter, "not json"u8.ToArray()));
        Assert.Equal("body", rejected.Problem.Field);
    }

    [Fact]
    public void Resend_headers_taken_from_a_dead_letter_rebuild_its_headers_body_and_properties()
    {
        var dead = Messages.DeadLettered(Sent(Destinations.PaymentsCommands), "x", "y");
        var letter = ServiceBusDeadLetterMapping.ToDeadLetter(Destinations.PaymentsCommands, dead);

        var message = ResendHeaders.Of(dead).ToMessage(letter);

        Assert.Equal((dead.ContentType, dead.CorrelationId, dead.Subject, dead.ReplyTo),
            (message.ContentType, message.CorrelationId, message.Subject, message.ReplyTo));
        Assert.Equal(dead.Body.ToArray(), message.Body.ToArray());
        Assert.Equal(Messages.TraceParent, message.ApplicationProperties[ServiceBusMessageMapping.TraceParentProperty]);
    }
}
