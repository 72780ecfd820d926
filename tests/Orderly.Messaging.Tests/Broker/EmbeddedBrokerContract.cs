using Orderly.Embedded.Broker;

namespace Orderly.Messaging.Tests.Broker;

/// <summary>The bus contract run against the embedded broker.</summary>
public sealed class EmbeddedBrokerContract : MessageBusContract, IAsyncLifetime
{
    private EmbeddedBrokerFixture _bus = null!;

    protected override IMessagePublisher Publisher => _bus.Broker;
    protected override IMessageReceiver Receiver => _bus.Broker;
    protected override IDeadLetterQueue DeadLetters => _bus.DeadLetters;
    protected override string Queue => EmbeddedBrokerFixture.Queue;
    protected override string ShortWindowQueue => EmbeddedBrokerFixture.ShortWindowQueue;
    protected override string Topic => EmbeddedBrokerFixture.Topic;
    protected override IReadOnlyList<string> TopicSubscriptions => EmbeddedBrokerFixture.Subscriptions;
    protected override TimeSpan LockDuration => EmbeddedBrokerFixture.Settings.LockDuration;
    protected override int MaxDeliveryCount => EmbeddedBrokerFixture.Settings.MaxDeliveryCount;
    protected override TimeSpan ShortDuplicateWindow => EmbeddedBrokerFixture.ShortWindow;

    public async Task InitializeAsync() => _bus = await EmbeddedBrokerFixture.StartAsync();

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    protected override Task SendRawAsync(string destination, string messageId, byte[] body) =>
        _bus.Broker.SendAsync([new BrokerMessage(destination, messageId, body, new Dictionary<string, string>())]);

    protected override Task RestartAsync() => _bus.RestartAsync();

    protected override bool IsLockLost(Exception error) => error is MessageLockLostException;

    protected override Task<IReadOnlyList<LockedMessage>> ReceiveWithinAsync(string entity, int count, TimeSpan within) =>
        _bus.ReceiveWithinAsync(entity, count, within);
}
