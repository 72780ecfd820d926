using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Functions.Shell;
using Orderly.Orchestrations.Durable;

namespace Orderly.Checkout.Functions;

/// <summary>
/// What the checkout consumes: OrderPlaced (starts the saga) and the base services' replies (raise the saga's events).
/// The consumer pipeline parses, deduplicates (inbox), runs the core handler and settles; the handler reaches Durable
/// through the saga ports, over this invocation's client (<see cref="DurableClientScope"/>).
/// </summary>
public sealed class CheckoutMessages(ServiceBusConsumer consumer, IConfiguration configuration)
{
    [Function("CheckoutOrderPlaced")]
    public Task OrderPlaced(
        [ServiceBusTrigger(Destinations.OrdersEvents, "checkout", Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        DurableClientScope.RunAsync(durable, () => consumer.ProcessAsync(CheckoutModule.OrderPlacedEntity(configuration), message, actions, ct));

    [Function("CheckoutReplies")]
    public Task Replies(
        [ServiceBusTrigger(Destinations.CheckoutReplies, Connection = "ServiceBusConnection", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        DurableClientScope.RunAsync(durable, () => consumer.ProcessAsync(CheckoutModule.RepliesEntity(configuration), message, actions, ct));
}
