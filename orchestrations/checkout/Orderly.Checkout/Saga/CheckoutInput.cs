using Orderly.Contracts;

namespace Orderly.Checkout.Saga;

/// <summary>What a checkout saga starts from: the placed order, the message that placed it, and the settings it runs with.</summary>
public sealed record CheckoutInput(
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Items,
    ShippingAddress ShippingAddress,
    string PaymentToken,
    string OrderPlacedMessageId,
    string? TraceParent,
    CheckoutSettings Settings);

/// <summary>Timeouts, retries and queue names, captured when the saga starts.</summary>
/// <remarks>
/// <paramref name="StepAsks"/> defaults to 1 for an input written before it existed: a saga started then replays as it ran
/// (one ask per step), so a running saga never changes its course on an upgrade.
/// </remarks>
public sealed record CheckoutSettings(
    TimeSpan StepTimeout,
    int SendAttempts,
    TimeSpan SendRetryInterval,
    int CompensationAttempts,
    TimeSpan CompensationBackoff,
    CheckoutQueueNames Queues,
    int StepAsks = 1);

/// <summary>The base services' command queues and the checkout's reply queue.</summary>
public sealed record CheckoutQueueNames(string Inventory, string Payments, string Shipping, string Orders, string Replies);
