using System.Diagnostics;
using Orderly.Messaging;
using Orderly.Messaging.Tracing;

namespace Orderly.Embedded.Broker;

/// <summary>
/// The broker's spans, in the trace each message carries (its <c>traceparent</c> property): a send from the call to the commit,
/// a receive from the call to the lock. Made only when an exporter listens to <see cref="OrderlyTelemetry.BrokerSource"/>.
/// </summary>
internal static class BrokerTracing
{
    /// <summary>Starts a send span per message, or returns null when nobody listens.</summary>
    public static Activity?[]? StartSends(IReadOnlyList<BrokerMessage> messages)
    {
        if (!OrderlyTelemetry.BrokerSource.HasListeners()) return null;
        var spans = new Activity?[messages.Count];
        for (var i = 0; i < spans.Length; i++)
        {
            var m = messages[i];
            spans[i] = Tagged(OrderlyTelemetry.StartDetached(OrderlyTelemetry.BrokerSource, "send " + m.Destination, ActivityKind.Producer,
                TraceParentOf(m.Properties)), m.Destination, m.MessageId);
        }
        return spans;
    }

    /// <summary>Ends the send spans when the write ends, marking them failed if it failed.</summary>
    public static async Task<int> EndSendsAsync(Task<int> write, Activity?[] spans)
    {
        try
        {
            return await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            foreach (var span in spans) span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            foreach (var span in spans) span?.Dispose();
        }
    }

    /// <summary>Records a receive span per message locked, from <paramref name="startedAt"/> to now.</summary>
    public static void Received(string entity, IReadOnlyList<LockedMessage> locked, DateTimeOffset startedAt)
    {
        foreach (var message in locked)
        {
            var received = message.Message;
            using var span = Tagged(OrderlyTelemetry.StartDetached(OrderlyTelemetry.BrokerSource, "receive " + entity, ActivityKind.Consumer,
                TraceParentOf(received.Properties), startedAt), entity, received.MessageId);
            span?.SetTag("messaging.message.delivery_count", received.DeliveryCount);
        }
    }

    private static Activity? Tagged(Activity? span, string destination, string messageId)
    {
        span?.SetTag("messaging.system", "orderly-embedded");
        span?.SetTag("messaging.destination.name", destination);
        span?.SetTag("messaging.message.id", messageId);
        return span;
    }

    private static string? TraceParentOf(IReadOnlyDictionary<string, string> properties) =>
        properties.TryGetValue(BrokerMessage.TraceParentProperty, out var traceParent) ? traceParent : null;
}
