using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orderly.Messaging.Tracing;

namespace Orderly.Hosting;

/// <summary>The id that ties together every call and message of one business flow, across services.</summary>
public static class CorrelationId
{
    /// <summary>The HTTP header carrying it, in and out.</summary>
    public const string Header = "X-Correlation-Id";

    /// <summary>The Activity baggage key and log scope name carrying it inside a process.</summary>
    public const string BaggageKey = "correlation.id";

    /// <summary>The name it has in log scopes (every log line of the call carries it).</summary>
    public const string ScopeName = "CorrelationId";

    /// <summary>The longest caller-supplied id that is kept.</summary>
    public const int MaxLength = 128;

    /// <summary>The correlation id of the current HTTP call, or null outside one.</summary>
    public static string? Of(HttpContext? context) =>
        context?.Items.TryGetValue(ScopeName, out var value) == true ? value as string : null;

    /// <summary>The correlation id in the current Activity's baggage (set by the middleware), or null.</summary>
    public static string? Current => Activity.Current?.GetBaggageItem(BaggageKey);

    /// <summary>A caller-supplied id is kept only if it is short and printable, so a header cannot forge log lines.</summary>
    internal static string? Accept(string? candidate) =>
        candidate is { Length: > 0 and <= MaxLength } && candidate.All(c => c is > ' ' and < (char)127) ? candidate : null;
}

/// <summary>Takes the caller's correlation id or makes one, echoes it, and puts it in the log scope and the Activity baggage.</summary>
internal sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var id = CorrelationId.Accept(context.Request.Headers[CorrelationId.Header].ToString()) ?? Guid.NewGuid().ToString("N");
        context.Items[CorrelationId.ScopeName] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationId.Header] = id;
            return Task.CompletedTask;
        });
        Activity.Current?.SetBaggage(CorrelationId.BaggageKey, id);
        // The same scope shape the message pipeline uses (TraceId + CorrelationId), so HTTP and message log lines read alike.
        using (logger.BeginScope(TraceLogScope.ForTrace(Activity.Current?.TraceId.ToHexString(), id)))
        {
            await next(context).ConfigureAwait(false);
        }
    }
}
