using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Orderly.Contracts;
using Orderly.Functions.Shell;

namespace Orderly.Checkout.Functions;

/// <summary>
/// What the checkout consumes: OrderPlaced (starts the saga) and the base services' replies (raise the saga's events).
/// The consumer pipeline parses, deduplicates (inbox), runs the core handler and settles; the handler reaches Durable
/// through <see cref="DurableSagaClient"/>.
/// </summary>
public sealed class CheckoutMessages(ServiceBusConsumer consumer)
{
    [Function("CheckoutOrderPlaced")]
    public async Task OrderPlaced(
        [ServiceBusTrigger(Destinations.OrdersEvents, Destinations.CheckoutSubscription, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        using (DurableSagaClient.Use(durable))
            await consumer.ProcessAsync(Destinations.OrdersEvents, Destinations.CheckoutSubscription, message, actions, ct);
    }

    [Function("CheckoutReplies")]
    public async Task Replies(
        [ServiceBusTrigger(Destinations.CheckoutReplies, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        using (DurableSagaClient.Use(durable))
            await consumer.ProcessAsync(Destinations.CheckoutReplies, message, actions, ct);
    }
}
