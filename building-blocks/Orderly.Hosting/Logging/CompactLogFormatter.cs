using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Orderly.Hosting.Logging;

/// <summary>
/// The text log a person reads: one line per event — time, level, context, message, and the trace id once at the end. An
/// exception on a warning (an expected, retried failure such as a simulated provider's) adds its type and message only; a
/// stack trace is printed only for errors, the unexpected.
/// </summary>
public sealed class CompactLogFormatter() : ConsoleFormatter(Name)
{
    /// <summary>The formatter's name in <c>Logging:Console:FormatterName</c>.</summary>
    public new const string Name = "orderly";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null) return;

        textWriter.Write(DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(' ');
        textWriter.Write(LevelOf(logEntry.LogLevel));
        textWriter.Write(' ');
        textWriter.Write(ContextOf(logEntry.Category).PadRight(13));
        textWriter.Write(' ');
        textWriter.Write(OneLine(message));
        if (logEntry.Exception is { } error)
        {
            if (logEntry.LogLevel >= LogLevel.Error)
            {
                textWriter.Write(Environment.NewLine);
                textWriter.Write(error.ToString());
            }
            else
            {
                textWriter.Write(" (");
                textWriter.Write(error.GetType().Name);
                textWriter.Write(": ");
                textWriter.Write(OneLine(error.Message));
                textWriter.Write(')');
            }
        }
        if (TraceIdOf(scopeProvider) is { } traceId)
        {
            textWriter.Write(" trace=");
            textWriter.Write(traceId);
        }
        textWriter.Write(Environment.NewLine);
    }

    /// <summary>The bounded context or part of the host a category belongs to: <c>Orderly.Payments.Handlers.X</c> → <c>payments</c>.</summary>
    public static string ContextOf(string category)
    {
        var parts = category.Split('.');
        if (parts is ["Orderly", var part, ..])
        {
            return part switch
            {
                "ConsumerPipeline" => "pipeline",
                "Orchestrations" => "sagas",
                "LocalHost" or "Hosting" or "Functions" => "host",
                "Messaging" or "Embedded" => "messaging",
                _ => part.ToLowerInvariant(),
            };
        }
        if (parts[0] == "DurableTask") return "durabletask";
        return parts.Length > 1 && parts[0] == "Microsoft" ? "host" : parts[0].ToLowerInvariant();
    }

    private static string LevelOf(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "FAIL",
        LogLevel.Critical => "CRIT",
        _ => "    ",
    };

    private static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) ? text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ') : text;

    // The innermost scope that names a trace wins (a message's scope inside a request's); else the current activity's.
    private static string? TraceIdOf(IExternalScopeProvider? scopeProvider)
    {
        string? traceId = null;
        scopeProvider?.ForEachScope((scope, _) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values)
                    if (key == "TraceId" && value is string { Length: > 0 } id) traceId = id;
        }, (object?)null);
        return traceId ?? (Activity.Current is { IdFormat: ActivityIdFormat.W3C } a ? a.TraceId.ToHexString() : null);
    }
}
