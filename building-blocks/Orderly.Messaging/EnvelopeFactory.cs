using System.Diagnostics;
using Orderly.Contracts;

namespace Orderly.Messaging;

/// <summary>Wraps contract messages in envelopes for one producing context, stamping ids, time and the current trace context.</summary>
public sealed class EnvelopeFactory(string source, TimeProvider time)
{
    /// <summary>The producing context, e.g. <c>/orderly/orders</c>.</summary>
    public string Source { get; } = source;

    public TimeProvider Time { get; } = time;

    /// <summary>Builds an envelope; the trace parent is taken from <see cref="Activity.Current"/> so the chain continues.</summary>
    public Envelope Create<T>(T message, string correlationId, string? causationId = null, string? replyTo = null, string? subject = null)
        where T : notnull =>
        EnvelopeJson.Create(message, Guid.CreateVersion7().ToString("N"), Source, Time.GetUtcNow(), correlationId,
            causationId, Activity.Current?.Id, replyTo, subject);

    /// <summary>A message to a destination, built as a reply to or consequence of <paramref name="cause"/> (same correlation, causation = its id).</summary>
    public OutgoingMessage FollowUp<T>(Envelope cause, string destination, T message, string? replyTo = null, DateTimeOffset? scheduledFor = null)
        where T : notnull =>
        new(destination, Create(message, cause.CorrelationId, cause.Id, replyTo, cause.Subject), scheduledFor);
}
