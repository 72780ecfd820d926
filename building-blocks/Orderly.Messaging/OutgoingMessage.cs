using Orderly.Contracts;

namespace Orderly.Messaging;

/// <summary>A message on its way to a queue or topic; the bus message id is the envelope id, so a resend is a duplicate the bus can drop.</summary>
public sealed record OutgoingMessage(string Destination, Envelope Envelope, DateTimeOffset? ScheduledFor = null)
{
    public string MessageId => Envelope.Id;
}
