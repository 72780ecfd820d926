using System.Diagnostics;

namespace Orderly.Embedded.Broker;

/// <summary>
/// Messages resolved and serialized for a send that a unit of work of someone else carries (<see cref="EmbeddedBroker.PrepareSend"/>):
/// the broker's part of that unit, written on the single writer. Its send spans end when that unit commits, or when its owner
/// says the unit failed (<see cref="Failed"/>).
/// </summary>
public sealed class BrokerSend
{
    private readonly EmbeddedBroker _broker;
    private readonly EmbeddedBroker.PreparedSend[] _messages;
    private readonly Activity?[]? _spans;

    internal BrokerSend(EmbeddedBroker broker, EmbeddedBroker.PreparedSend[] messages, Activity?[]? spans) =>
        (_broker, _messages, _spans) = (broker, messages, spans);

    /// <summary>Inserts the messages in <paramref name="scope"/>'s unit; returns how many were not duplicates (dropped as Service Bus drops them).</summary>
    public int WriteIn(WriteScope scope)
    {
        var accepted = _broker.Insert(scope, _messages);
        if (_spans is not null) scope.OnCommitted(EndSpans);
        return accepted;
    }

    /// <summary>The unit that was to carry the messages failed: their send spans end as failed.</summary>
    public void Failed(Exception error)
    {
        foreach (var span in _spans ?? []) span?.SetStatus(ActivityStatusCode.Error, error.Message);
        EndSpans();
    }

    private void EndSpans()
    {
        foreach (var span in _spans ?? []) span?.Dispose();
    }
}
