using Orderly.Messaging;

namespace Orderly.Hosting.OperationCounting;

/// <summary>
/// One delivered message, counted as what it is in Azure: a Service Bus receive when it is made, then its settlement (complete,
/// retry later, dead-letter), and one execution of the Service Bus-triggered Function that handled it, lasting from the
/// delivery to the settlement.
/// </summary>
public sealed class CountingSettlement : IMessageSettlement
{
    private readonly IMessageSettlement _inner;
    private readonly OperationCounts _counts;
    private readonly long _deliveredAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private int _settled;

    /// <summary>Counts the receive of a message of <paramref name="bytes"/>; <paramref name="inner"/> settles it.</summary>
    public CountingSettlement(IMessageSettlement inner, OperationCounts counts, long bytes)
    {
        _inner = inner;
        _counts = counts;
        counts.Add(Operations.ServiceBusReceive, bytes);
    }

    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await _inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
        Completed();
    }

    /// <summary>The settlement under the counting one (a store completing the message in its own commit needs the broker's).</summary>
    public static IMessageSettlement Unwrap(IMessageSettlement settlement) => settlement is CountingSettlement counting ? counting._inner : settlement;

    /// <summary>Counts a complete made on the message's behalf (in the same unit of work as the handler's batch).</summary>
    public void Completed() => Settled(Operations.ServiceBusComplete);

    public async Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default)
    {
        await _inner.RetryLaterAsync(delay, spendsAttempt, cancellationToken).ConfigureAwait(false);
        Settled(Operations.ServiceBusRetryLater);
    }

    public async Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default)
    {
        await _inner.DeadLetterAsync(reason, description, cancellationToken).ConfigureAwait(false);
        Settled(Operations.ServiceBusDeadLetter);
    }

    private void Settled(string settlement)
    {
        _counts.Add(settlement);
        // One execution per delivery, however the pipeline settled it.
        if (Interlocked.Exchange(ref _settled, 1) == 0)
            _counts.Add(Operations.FunctionServiceBusTrigger, elapsed: OperationCounts.Since(_deliveredAt));
    }
}
