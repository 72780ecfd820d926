using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>One step in a dead letter's triage history: when it happened, the status it led to, and the note or reason.</summary>
public sealed record DeadLetterChange(DateTimeOffset At, DeadLetterStatus Status, string? Note, string? ResubmittedAsMessageId);
