namespace Orderly.LocalHost;

/// <summary>Process-wide counters the load benchmark reads at <c>/api/admin/stats</c> to see where the time goes.</summary>
public sealed class ShopCounters
{
    private long _messagesHandled;

    public long MessagesHandled => Interlocked.Read(ref _messagesHandled);

    public void MessageHandled() => Interlocked.Increment(ref _messagesHandled);
}
