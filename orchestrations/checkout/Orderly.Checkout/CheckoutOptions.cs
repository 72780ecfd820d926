using Orderly.Checkout.Saga;
using Microsoft.Extensions.Configuration;
using Orderly.Contracts;
using Orderly.Settings;

namespace Orderly.Checkout;

/// <summary>The checkout's settings (section <c>Checkout</c>; env <c>Checkout__StepTimeout</c> etc.).</summary>
public sealed class CheckoutOptions
{
    public const string Section = "Checkout";

    /// <summary>How long a step waits for the reply to one ask (its command) before it asks again or, after the last ask, gives up.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a forward step sends its command (a new message id each time, the same order) before a silence cancels
    /// the order <c>timeout</c>. Two by default: the second ask waits a whole <see cref="StepTimeout"/> after the first one
    /// timed out, so a timer that fired late, because the host was stopped or stalled, costs a re-ask, never the order.
    /// </summary>
    public int StepAsks { get; set; } = 2;

    /// <summary>Attempts to send a command (the send itself, not the wait for its reply).</summary>
    public int SendAttempts { get; set; } = 5;

    /// <summary>First wait between send attempts; doubles each time.</summary>
    public TimeSpan SendRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts of each compensation (and of the steps after the capture, which can only go forward).</summary>
    public int CompensationAttempts { get; set; } = 5;

    /// <summary>First wait between compensation attempts; doubles each time.</summary>
    public TimeSpan CompensationBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The queues of the base services and of the replies: the checkout knows the base services by these contract names only
    /// (<see cref="Destinations"/>; no setting renames them). They still travel in each saga's input, as they always did.
    /// </summary>
    public static readonly CheckoutQueueNames Queues = new(Destinations.InventoryCommands, Destinations.PaymentsCommands,
        Destinations.ShippingCommands, Destinations.OrdersCommands, Destinations.CheckoutReplies);

    /// <summary>
    /// Overrides the defaults with whatever <paramref name="section"/> sets: the waits as seconds or <c>hh:mm:ss.fff</c> above zero,
    /// the counts from 1; a value that does not read, or is out of range, is a <see cref="SettingException"/> naming it.
    /// </summary>
    public CheckoutOptions ReadFrom(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        StepTimeout = section.ReadDuration(nameof(StepTimeout), StepTimeout);
        StepAsks = section.ReadInt(nameof(StepAsks), StepAsks, least: 1);
        SendAttempts = section.ReadInt(nameof(SendAttempts), SendAttempts, least: 1);
        SendRetryInterval = section.ReadDuration(nameof(SendRetryInterval), SendRetryInterval);
        CompensationAttempts = section.ReadInt(nameof(CompensationAttempts), CompensationAttempts, least: 1);
        CompensationBackoff = section.ReadDuration(nameof(CompensationBackoff), CompensationBackoff);
        return this;
    }

    /// <summary>The settings a saga instance is started with: fixed in its input, so a config change never alters a running saga's replay.</summary>
    public CheckoutSettings ToSettings() =>
        new(StepTimeout, SendAttempts, SendRetryInterval, CompensationAttempts, CompensationBackoff, Queues, StepAsks, ShareStepTimer: true);
}
