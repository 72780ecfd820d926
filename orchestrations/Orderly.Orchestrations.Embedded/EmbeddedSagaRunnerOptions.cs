using Orderly.Messaging;
using Orderly.Resilience;

namespace Orderly.Orchestrations.Embedded;

/// <summary>Settings of the embedded saga runner (section <c>Sagas</c> in the local host).</summary>
public sealed class EmbeddedSagaRunnerOptions
{
    /// <summary>How many sagas run at once; the others wait as Pending, in start order (keeps a burst from flooding the services).</summary>
    public int MaxConcurrentSagas { get; set; } = 32;

    /// <summary>How long a saga whose turn could not be journaled waits before it is replayed from its journal.</summary>
    public Backoff RunRetryBackoff { get; set; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

    /// <summary>
    /// How long the journal of a saga that ended is kept (its instance, status and output stay): 7 days, as the consumers' inbox
    /// records. Only a running saga's journal is ever read (to replay it), so this is disk, not correctness.
    /// </summary>
    public TimeSpan FinishedJournalRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Told of the messages send steps put on the bus inside a turn, once the turn is committed (the host counts them as sends).</summary>
    public Action<IReadOnlyList<OutgoingMessage>>? SentInTurn { get; set; }
}
