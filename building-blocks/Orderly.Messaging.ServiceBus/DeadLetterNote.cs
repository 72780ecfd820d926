namespace Orderly.Messaging.ServiceBus;

/// <summary>The triage note of a decided dead letter: the letter as it was, what a resend needs, and the trail.</summary>
public sealed record DeadLetterNote(DeadLetteredMessage Letter, ResendHeaders Headers, IReadOnlyList<DeadLetterTrailEntry> Trail);
