using Orderly.Embedded.Broker;
using Orderly.Messaging;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// What one turn of one saga changed, committed together as one unit of work: the outcomes it applied (journal entries),
/// the events it took or kept, its custom status, and its end. Steps and timers it asked for start only after the commit.
/// </summary>
internal sealed class SagaTurn
{
    public List<JournalEntry> Entries { get; } = [];

    /// <summary>Kept events (rows) a wait took in this turn.</summary>
    public List<long> TakenEvents { get; } = [];

    /// <summary>Events that arrived in this turn with no wait for them: kept as rows (their ids are set by the commit).</summary>
    public List<KeptEvent> NewEvents { get; } = [];

    /// <summary>Raisers whose event this turn applied or kept: told once it is committed (or that it failed).</summary>
    public List<TaskCompletionSource> Raisers { get; } = [];

    /// <summary>Steps the saga asked for in this turn: started once it is committed.</summary>
    public List<StepAction> Steps { get; } = [];

    /// <summary>Messages of send steps taken in this turn (<see cref="SagaSendStep"/>): written in its unit of work.</summary>
    public List<OutgoingMessage> Messages { get; } = [];

    /// <summary><see cref="Messages"/> resolved for the broker as each step was taken (off the single writer).</summary>
    public List<BrokerSend> Sends { get; } = [];

    /// <summary>The raiser's unit of work that carries this turn (a turn takes at most one such event), or null: a unit of its own.</summary>
    public CarriedEvent? Carrier { get; set; }

    /// <summary>Set when the saga published a status in this turn (the serialized status, or null).</summary>
    public bool StatusChanged { get; set; }

    public string? CustomStatus { get; set; }

    /// <summary>Set when the saga ended in this turn: Completed with its output, or Failed with the reason.</summary>
    public SagaEnd? End { get; set; }

    /// <summary>Set when the saga turned out not to be running (ended before, or gone): nothing to write.</summary>
    public bool NotRunning { get; set; }
}

/// <summary>How a saga ended.</summary>
internal sealed record SagaEnd(SagaRuntimeStatus Status, string? Output, string? Failure);
