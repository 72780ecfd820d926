using Azure.Messaging.ServiceBus;
using Orderly.Messaging.ServiceBus;

namespace Orderly.TestSupport;

/// <summary>A delivery that records how its lock was released, in order (what the trigger's message actions would be asked).</summary>
internal sealed class RecordedDelivery(ServiceBusReceivedMessage message) : IServiceBusDelivery
{
    public ServiceBusReceivedMessage Message { get; } = message;

    public List<string> Calls { get; } = [];

    public (Dictionary<string, object> Properties, string Reason, string Description)? DeadLetter { get; private set; }

    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        Calls.Add("complete");
        return Task.CompletedTask;
    }

    public Task AbandonAsync(CancellationToken cancellationToken)
    {
        Calls.Add("abandon");
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(Dictionary<string, object> properties, string reason, string description, CancellationToken cancellationToken)
    {
        Calls.Add("dead-letter");
        DeadLetter = (properties, reason, description);
        return Task.CompletedTask;
    }
}
