using System.Text.Json;
using Orderly.Contracts;
using Orderly.Outbox;

namespace Orderly.Messaging.ServiceBus.Tests;

/// <summary>Envelope to Service Bus message and back: what the relay sends is what the consumer pipeline reads.</summary>
public sealed class MessageMappingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_message_id_is_the_outbox_record_id_so_a_second_relay_of_the_record_is_a_duplicate()
    {
        var outgoing = new OutgoingMessage(Destinations.PaymentsCommands, Messages.Command());
        var batch = new Storage.WriteBatch("order-1").AddOutgoing(outgoing, Now);
        var record = Assert.Single(batch.Writes).Body!.Value.Deserialize<OutboxRecord>(Storage.DocumentJson.Options)!;

        var first = record.ToOutgoing().ToServiceBusMessage();
        var again = record.ToOutgoing().ToServiceBusMessage();

        Assert.Equal(record.MessageId, first.MessageId);
        Assert.Equal(first.MessageId, again.MessageId);
    }

    [Fact]
    public void Headers_carry_correlation_type_content_type_reply_to_and_traceparent()
    {
        var envelope = Messages.Command();
        var message = new OutgoingMessage(Destinations.PaymentsCommands, envelope).ToServiceBusMessage();

        Assert.Equal(envelope.Id, message.MessageId);
        Assert.Equal("order-1", message.CorrelationId);
        Assert.Equal("orderly.payments.authorize-payment.v1", message.Subject);
        Assert.Equal(ServiceBusMessageMapping.CloudEventsContentType, message.ContentType);
        Assert.Equal(Destinations.CheckoutReplies, message.ReplyTo);
        Assert.Equal(Messages.TraceParent, message.ApplicationProperties[ServiceBusMessageMapping.TraceParentProperty]);
    }

    [Fact]
    public void The_body_is_the_whole_envelope_in_structured_mode()
    {
        var envelope = Messages.Command();
        var message = new OutgoingMessage(Destinations.PaymentsCommands, envelope).ToServiceBusMessage();

        Assert.Equal(EnvelopeJson.Serialize(envelope), message.Body.ToArray());
    }

    [Fact]
    public void A_message_without_trace_or_reply_to_sets_neither()
    {
        var message = new OutgoingMessage(Destinations.OrdersEvents, Messages.Command(traceParent: null, replyTo: null)).ToServiceBusMessage();

        Assert.False(message.ApplicationProperties.ContainsKey(ServiceBusMessageMapping.TraceParentProperty));
        Assert.Null(message.ReplyTo);
    }

    [Fact]
    public void A_scheduled_message_is_enqueued_at_its_time()
    {
        var at = Now.AddMinutes(5);
        var message = new OutgoingMessage(Destinations.PaymentsCommands, Messages.Command(), at).ToServiceBusMessage();

        Assert.Equal(at, message.ScheduledEnqueueTime);
    }

    [Fact]
    public void Trace_and_correlation_survive_the_round_trip_through_the_broker()
    {
        var sent = new OutgoingMessage(Destinations.PaymentsCommands, Messages.Command()).ToServiceBusMessage();

        var received = Messages.Delivered(sent).ToReceivedMessage(Destinations.PaymentsCommands);
        var envelope = EnvelopeJson.Parse(received.Body.Span);

        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal(Messages.TraceParent, envelope.TraceParent);
        Assert.Equal(Messages.TraceParent, received.Properties[ServiceBusMessageMapping.TraceParentProperty]);
        Assert.Equal("order-1", envelope.CorrelationId);
        Assert.Equal("cause-1", envelope.CausationId);
        Assert.Equal(Destinations.CheckoutReplies, envelope.ReplyTo);
        Assert.Equal(Messages.Command().Data.GetRawText(), envelope.Data.GetRawText());
    }

    [Fact]
    public void A_received_message_names_its_entity_delivery_and_enqueue_time()
    {
        var sent = new OutgoingMessage(Destinations.OrdersEvents, Messages.Command()).ToServiceBusMessage();
        var enqueued = Now.AddSeconds(3);
        var entity = EntityPath.Subscription(Destinations.OrdersEvents, "notifications");

        var received = Messages.Delivered(sent, deliveryCount: 2, enqueuedTime: enqueued).ToReceivedMessage(entity);

        Assert.Equal(entity, received.Entity);
        Assert.Equal(2, received.DeliveryCount);
        Assert.Equal(enqueued, received.EnqueuedAt);
    }

    [Fact]
    public void Property_values_are_read_as_invariant_text_so_the_attempt_count_of_a_retry_copy_adds_up()
    {
        var sent = new OutgoingMessage(Destinations.PaymentsCommands, Messages.Command()).ToServiceBusMessage();
        sent.ApplicationProperties[ReceivedMessage.PriorAttemptsProperty] = 4; // an int, as the settlement stamps it
        sent.ApplicationProperties["ratio"] = 0.5d;

        var received = Messages.Delivered(sent, deliveryCount: 2).ToReceivedMessage(Destinations.PaymentsCommands);

        Assert.Equal("4", received.Properties[ReceivedMessage.PriorAttemptsProperty]);
        Assert.Equal("0.5", received.Properties["ratio"]);
        Assert.Equal(6, received.Attempt);
    }
}
