using System.Collections;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orderly.Contracts;

namespace Orderly.Messaging.Tracing;

/// <summary>
/// A log scope of named values (TraceId, CorrelationId, ...): JSON loggers write each as a field, text loggers print
/// <c>Name:value</c> pairs. Stamped by us, not left to the exporter, so the ids appear even when a trace is not sampled.
/// </summary>
public sealed class TraceLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _values;

    private TraceLogScope(List<KeyValuePair<string, object?>> values) => _values = values;

    /// <summary>The scope of handling or publishing one message: trace id (of the current activity), correlation, message id, type, entity.</summary>
    public static TraceLogScope ForMessage(Envelope envelope, string entity) => new(
    [
        new("TraceId", CurrentTraceId(envelope.TraceParent)),
        new("CorrelationId", envelope.CorrelationId),
        new("MessageId", envelope.Id),
        new("MessageType", envelope.Type),
        new("Entity", entity),
    ]);

    /// <summary>A scope carrying only the trace and correlation ids.</summary>
    public static TraceLogScope ForTrace(string? traceId, string? correlationId) => new(
    [
        new("TraceId", traceId),
        new("CorrelationId", correlationId),
    ]);

    /// <summary>The value of a field, or null.</summary>
    public object? this[string name] => _values.FirstOrDefault(v => v.Key == name).Value;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public int Count => _values.Count;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(' ', _values.Select(v => $"{v.Key}:{v.Value}"));

    private static string? CurrentTraceId(string? fallbackTraceParent) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } a ? a.TraceId.ToHexString() : OrderlyTelemetry.TraceIdOf(fallbackTraceParent);
}

/// <summary>Opens trace-aware log scopes.</summary>
public static class TraceLoggingExtensions
{
    /// <summary>Every line logged inside carries the trace id, correlation id, message id, type and entity of <paramref name="envelope"/>.</summary>
    public static IDisposable? BeginMessageScope(this ILogger logger, Envelope envelope, string entity) =>
        logger.BeginScope(TraceLogScope.ForMessage(envelope, entity));
}
