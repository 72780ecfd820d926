namespace Orderly.LocalHost.Faults;

/// <summary>The faults an operator can inject into a local host started with <c>LocalHost__FaultInjection=true</c>.</summary>
public static class FaultKinds
{
    /// <summary>Every read and commit of the store fails (SQLite I/O error) for a while.</summary>
    public const string Store = "store";

    /// <summary>The broker takes sends but delivers nothing for a while.</summary>
    public const string BrokerPause = "broker-pause";

    /// <summary>For a while, each message is delivered 2 or 3 times (a completion is lost).</summary>
    public const string DuplicateDeliveries = "duplicate-deliveries";

    /// <summary>The payment provider cannot be reached for a while.</summary>
    public const string PaymentProvider = "payment-provider";

    /// <summary>A number of malformed messages is sent to the command queues at once.</summary>
    public const string MalformedMessages = "malformed-messages";

    /// <summary>
    /// The next ReserveStock command naming a SKU goes on the wire without its lines' quantities: one real order's message that
    /// fails its schema, for the operator to fix and resubmit.
    /// </summary>
    public const string MalformedCommand = "malformed-command";

    /// <summary>The faults that last for a window of seconds.</summary>
    public static readonly IReadOnlyList<string> Windows = [Store, BrokerPause, DuplicateDeliveries, PaymentProvider];

    public static readonly IReadOnlyList<string> All = [.. Windows, MalformedMessages, MalformedCommand];
}
