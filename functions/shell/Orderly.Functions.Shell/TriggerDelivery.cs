using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Orderly.Messaging.ServiceBus;

namespace Orderly.Functions.Shell;

/// <summary>
/// A trigger's delivery, released through the trigger's <see cref="ServiceBusMessageActions"/>: the one piece of settlement that
/// needs the Functions Service Bus extension. What to call, and when, is decided in <see cref="ServiceBusSettlement"/>.
/// </summary>
public sealed class TriggerDelivery(ServiceBusReceivedMessage message, ServiceBusMessageActions actions) : IServiceBusDelivery
{
    public ServiceBusReceivedMessage Message { get; } = message;

    public Task CompleteAsync(CancellationToken cancellationToken) => actions.CompleteMessageAsync(Message, cancellationToken);

    public Task AbandonAsync(CancellationToken cancellationToken) => actions.AbandonMessageAsync(Message, cancellationToken: cancellationToken);

    public Task DeadLetterAsync(Dictionary<string, object> properties, string reason, string description, CancellationToken cancellationToken) =>
        actions.DeadLetterMessageAsync(Message, properties, reason, description, cancellationToken);
}
