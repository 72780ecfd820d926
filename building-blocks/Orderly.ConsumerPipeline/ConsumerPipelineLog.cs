using Microsoft.Extensions.Logging;

namespace Orderly.ConsumerPipeline;

/// <summary>The event ids of the pipeline's log lines, so dashboards and tests can count outcomes without parsing text.</summary>
public static class ConsumerPipelineLog
{
    public static readonly EventId Handled = new(2001, "Handled");
    public static readonly EventId DuplicateDropped = new(2002, "DuplicateDropped");
    public static readonly EventId NotInterested = new(2003, "NotInterested");
    public static readonly EventId DeadLettered = new(2004, "DeadLettered");
    public static readonly EventId RetryScheduled = new(2005, "RetryScheduled");
    public static readonly EventId SettlementFailed = new(2006, "SettlementFailed");
    public static readonly EventId RaceLost = new(2007, "RaceLost");
    public static readonly EventId RetryDeferred = new(2008, "RetryDeferred");
}
