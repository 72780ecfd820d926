using System.Diagnostics;

namespace Orderly.Messaging.Tracing;

/// <summary>
/// The W3C trace context as it travels with messages: every consume and publish continues the trace of the envelope,
/// so one trace id stands in every log line and every outgoing envelope of a call chain, across services.
/// </summary>
public static class OrderlyTelemetry
{
    /// <summary>The activity source name hosts listen to (an exporter or <c>ActivityListener</c>).</summary>
    public const string SourceName = "Orderly";

    /// <summary>The activity source of message consumption and publication.</summary>
    public static readonly ActivitySource ActivitySource = new(SourceName);

    /// <summary>The source of the embedded broker's send and receive spans.</summary>
    public static readonly ActivitySource BrokerSource = new(SourceName + ".Broker");

    /// <summary>The source of handler spans (one per message handled, tagged with its context).</summary>
    public static readonly ActivitySource HandlerSource = new(SourceName + ".Handlers");

    /// <summary>The source of saga step spans.</summary>
    public static readonly ActivitySource SagaSource = new(SourceName + ".Sagas");

    /// <summary>
    /// Every source an exporter adds. Only <see cref="SourceName"/> is always listened to (the trace must reach envelopes and
    /// log lines); the finer ones are listened to only by an exporter, so without one they cost a check.
    /// </summary>
    public static IReadOnlyList<string> SourceNames { get; } =
        [SourceName, BrokerSource.Name, HandlerSource.Name, SagaSource.Name];

    /// <summary>The span tag naming the bounded context that did the work.</summary>
    public const string ContextTag = "orderly.context";

    /// <summary>
    /// Starts a span of <paramref name="source"/> as a child of <paramref name="traceParent"/> (of the current activity when
    /// null), leaving <see cref="Activity.Current"/> as it was; null when nobody listens.
    /// </summary>
    public static Activity? StartDetached(ActivitySource source, string name, ActivityKind kind, string? traceParent, DateTimeOffset startTime = default)
    {
        if (!source.HasListeners()) return null;
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var p) ? p : default;
        var previous = Activity.Current;
        var activity = source.StartActivity(name, kind, parent, startTime: startTime);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Starts the span of a handler at work for <paramref name="context"/> (under the current consume activity); null when nobody listens.</summary>
    public static Activity? StartHandler(string context, string messageType, string handler)
    {
        if (!HandlerSource.HasListeners()) return null;
        var activity = HandlerSource.StartActivity("handle " + messageType);
        activity?.SetTag(ContextTag, context);
        activity?.SetTag("orderly.handler", handler);
        return activity;
    }

    /// <summary>Starts the activity of handling a message, as a child of the envelope's <paramref name="traceParent"/> (a new trace when null).</summary>
    public static Activity StartConsume(string entity, string messageType, string? traceParent) =>
        Start("consume " + entity, ActivityKind.Consumer, traceParent, entity, messageType);

    /// <summary>Starts the activity of publishing a message, as a child of the trace it was written in.</summary>
    public static Activity StartPublish(string destination, string messageType, string? traceParent) =>
        Start("publish " + destination, ActivityKind.Producer, traceParent, destination, messageType);

    /// <summary>The traceparent of the current activity (<c>00-traceid-spanid-flags</c>), or null outside one.</summary>
    public static string? CurrentTraceParent =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } a ? a.Id : null;

    /// <summary>The trace id inside a traceparent, or null when it is missing or not W3C.</summary>
    public static string? TraceIdOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    private static Activity Start(string name, ActivityKind kind, string? traceParent, string entity, string messageType)
    {
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var p) ? p : default;
        // Through the source when someone listens (exporters see it); otherwise a bare Activity, because the trace must
        // continue into outgoing envelopes and log scopes whether or not telemetry is collected.
        var activity = ActivitySource.StartActivity(name, kind, parent)
            ?? StartUnobserved(name, parent);
        activity.SetTag("messaging.destination.name", entity);
        activity.SetTag("messaging.message.type", messageType);
        return activity;
    }

    private static Activity StartUnobserved(string name, ActivityContext parent)
    {
        var activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        if (parent != default) activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        return activity.Start();
    }
}
