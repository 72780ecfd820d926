using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace Orderly.Messaging.ServiceBus;

/// <summary>One <see cref="ServiceBusSender"/> per queue or topic, created on first use and kept (senders hold an AMQP link).</summary>
public sealed class ServiceBusSenders(ServiceBusClient client) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    public ServiceBusClient Client { get; } = client;

    public ServiceBusSender For(string queueOrTopic) => _senders.GetOrAdd(queueOrTopic, Client.CreateSender);

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values) await sender.DisposeAsync().ConfigureAwait(false);
        _senders.Clear();
    }
}
