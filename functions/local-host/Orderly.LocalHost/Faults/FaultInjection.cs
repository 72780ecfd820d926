using System.Text;
using System.Text.Json.Nodes;
using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Embedded.Broker;

namespace Orderly.LocalHost.Faults;

/// <summary>
/// The seams the fault suite drives, in one place: the store's, the broker's and the payment provider's fault windows, and a
/// flood of malformed messages. Registered only when <c>LocalHost__FaultInjection=true</c>.
/// </summary>
public sealed class FaultInjection(SqliteDatabase database, EmbeddedBroker broker, FaultWindow paymentProviderOutage)
{
    /// <summary>Opens the window of <paramref name="fault"/> (one of <see cref="FaultKinds.Windows"/>) for <paramref name="duration"/>; zero shuts it.</summary>
    public DateTimeOffset Open(string fault, TimeSpan duration)
    {
        switch (fault)
        {
            case FaultKinds.Store:
                if (duration == TimeSpan.Zero) database.Faults.Heal(); else database.Faults.FailFor(duration);
                break;
            case FaultKinds.BrokerPause:
                Open(broker.Faults.Pause, duration);
                break;
            case FaultKinds.DuplicateDeliveries:
                Open(broker.Faults.DuplicateDeliveries, duration);
                break;
            case FaultKinds.PaymentProvider:
                Open(paymentProviderOutage, duration);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "not a fault with a window");
        }
        return broker.Time.GetUtcNow() + duration;
    }

    /// <summary>
    /// Sends <paramref name="count"/> malformed messages round the command queues in one unit: in turn not JSON, not a
    /// CloudEvent, an unknown type, and a known type with invalid data. Each must be dead-lettered with its reason.
    /// </summary>
    public Task<int> SendMalformedAsync(int count, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var now = broker.Time.GetUtcNow().ToString("O");
        var messages = new BrokerMessage[count];
        for (var i = 0; i < count; i++)
        {
            var id = $"malformed-{run}-{i}";
            var body = (i % 4) switch
            {
                0 => "{ \"not\": json " + i,
                1 => "[\"not\", \"a\", \"cloud\", \"event\"]",
                2 => Envelope(id, "orderly.faults.no-such-type.v1", now, "{}"),
                _ => Envelope(id, "orderly.payments.authorize-payment.v1", now, "{\"orderId\": 5}"),
            };
            messages[i] = new BrokerMessage(Destinations.Queues[i % Destinations.Queues.Count], id, Encoding.UTF8.GetBytes(body),
                new Dictionary<string, string>(StringComparer.Ordinal));
        }
        return broker.SendAsync(messages, cancellationToken);
    }

    /// <summary>
    /// Arms the broker to send the next ReserveStock command naming <paramref name="sku"/> with <c>quantity</c> removed from each
    /// of its lines, so inventory dead-letters it as invalid data while its checkout waits for the stock.
    /// </summary>
    public void CorruptNextReserveStock(string sku) =>
        broker.Faults.CorruptNext(Destinations.InventoryCommands, JsonValue.Create(sku).ToJsonString(), WithoutQuantities);

    private static byte[] WithoutQuantities(byte[] body)
    {
        var envelope = JsonNode.Parse(body)!.AsObject();
        if (envelope["data"]?["items"] is JsonArray lines)
        {
            foreach (var line in lines.OfType<JsonObject>()) line.Remove("quantity");
        }
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }

    private static void Open(FaultWindow window, TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) window.Shut(); else window.OpenFor(duration);
    }

    private static string Envelope(string id, string type, string time, string data) =>
        $$"""{"specversion":"1.0","id":"{{id}}","source":"/orderly/faults","type":"{{type}}","time":"{{time}}","correlationid":"{{id}}","data":{{data}}}""";
}
