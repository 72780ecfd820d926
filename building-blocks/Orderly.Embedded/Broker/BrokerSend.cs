namespace Orderly.Embedded.Broker;

/// <summary>
/// Messages resolved and serialized for a send that a unit of work of someone else carries (<see cref="EmbeddedBroker.PrepareSend"/>):
/// the broker's part of that unit, written on the single writer.
/// </summary>
public sealed class BrokerSend
{
    private readonly EmbeddedBroker _broker;
    private readonly EmbeddedBroker.PreparedSend[] _messages;

    internal BrokerSend(EmbeddedBroker broker, EmbeddedBroker.PreparedSend[] messages) => (_broker, _messages) = (broker, messages);

    /// <summary>Inserts the messages in <paramref name="scope"/>'s unit; returns how many were not duplicates (dropped as Service Bus drops them).</summary>
    public int WriteIn(WriteScope scope) => _broker.Insert(scope, _messages);
}
