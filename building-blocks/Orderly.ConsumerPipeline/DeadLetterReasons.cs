namespace Orderly.ConsumerPipeline;

/// <summary>The reason codes the pipeline dead-letters with (besides contract violations and handlers' own reasons).</summary>
public static class DeadLetterReasons
{
    /// <summary>A queue received a known message type that nothing on it handles: a routing mistake to look at.</summary>
    public const string NoHandler = "no-handler";

    /// <summary>A transient failure outlasted every attempt.</summary>
    public const string MaxDeliveryExceeded = "max-delivery-exceeded";
}
