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
/// <paramref name="StepAsks"/> defaults to 1 and <paramref name="ShareStepTimer"/> to false for an input written before they
/// existed: a saga started then replays as it ran (one ask per step, a timer per wait), so a running saga never changes its
/// course on an upgrade. <paramref name="ShareStepTimer"/>: the reply waits share one timeout timer
/// (<see cref="Orderly.Orchestrations.SagaContext.WaitForEventSharingTimerAsync{T}"/>).
/// </remarks>
public sealed record CheckoutSettings(
    TimeSpan StepTimeout,
    int SendAttempts,
    TimeSpan SendRetryInterval,
    int CompensationAttempts,
    TimeSpan CompensationBackoff,
    CheckoutQueueNames Queues,
    int StepAsks = 1,
    bool ShareStepTimer = false);

/// <summary>The base services' command queues and the checkout's reply queue.</summary>
public sealed record CheckoutQueueNames(string Inventory, string Payments, string Shipping, string Orders, string Replies);
