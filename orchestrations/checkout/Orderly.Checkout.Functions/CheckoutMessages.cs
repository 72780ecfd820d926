using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Orderly.Contracts;
using Orderly.Functions.Hosting;
using Orderly.Functions.Shell;
using Orderly.Orchestrations.Durable;

namespace Orderly.Checkout.Functions;

/// <summary>
/// What the checkout consumes: OrderPlaced (starts the saga) and the base services' replies (raise the saga's events).
/// The consumer pipeline parses, deduplicates (inbox), runs the core handler and settles; the handler reaches Durable
/// through the saga ports, over this invocation's client (<see cref="DurableClientScope"/>).
/// </summary>
public sealed class CheckoutMessages(ServiceBusConsumer consumer)
{
    [Function("CheckoutOrderPlaced")]
    public Task OrderPlaced(
        [ServiceBusTrigger(Destinations.OrdersEvents, Destinations.CheckoutSubscription, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        DurableClientScope.RunAsync(durable, () => consumer.ProcessAsync(Destinations.OrdersEvents, Destinations.CheckoutSubscription, message, actions, ct));

    [Function("CheckoutReplies")]
    public Task Replies(
        [ServiceBusTrigger(Destinations.CheckoutReplies, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        DurableClientScope.RunAsync(durable, () => consumer.ProcessAsync(Destinations.CheckoutReplies, message, actions, ct));
}
