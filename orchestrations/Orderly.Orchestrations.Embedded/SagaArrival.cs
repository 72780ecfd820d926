namespace Orderly.Orchestrations.Embedded;

/// <summary>Something that arrived for a running saga; its next turn applies it.</summary>
internal abstract record SagaArrival
{
    /// <summary>The saga was launched here: open it (from its journal, unless it is new) and run it until it waits.</summary>
    public sealed record Begin : SagaArrival
    {
        public static readonly Begin Instance = new();
    }

    /// <summary>A step's outcome, after its last attempt.</summary>
    public sealed record StepFinished(int ActionId, string Kind, string? Payload) : SagaArrival;

    /// <summary>
    /// An event raised for the saga; <see cref="Stored"/> completes once the turn that took or kept it is committed, or, with a
    /// <see cref="Carrier"/> (the raiser's unit of work carries that turn), once the turn is handed to it.
    /// </summary>
    public sealed record EventRaised(string Name, string Payload, TaskCompletionSource Stored, CarriedEvent? Carrier = null) : SagaArrival;

    /// <summary>A timer of a wait or a delay is due.</summary>
    public sealed record TimerDue(int ActionId) : SagaArrival;

    /// <summary>Events were kept in the store for the saga while it was being opened here: read them.</summary>
    public sealed record EventsKept : SagaArrival
    {
        public static readonly EventsKept Instance = new();
    }
}
