using System.Text.Json;
using Orderly.Contracts;
using Orderly.Messaging;

namespace Orderly.Checkout.Saga;

/// <summary>
/// The saga's one step activity: puts a command the saga decided on the bus. Runs at least once; the message id is the
/// saga's deterministic id, so a repeat is dropped by the bus's duplicate detection and by the receiver's inbox.
/// </summary>
public sealed class SendCheckoutCommand(IMessagePublisher publisher, TimeProvider time)
{
    /// <summary>The activity's name.</summary>
    public const string Name = "SendCheckoutCommand";

    /// <summary>Sends the command; returns its message id.</summary>
    public async Task<string> RunAsync(CheckoutCommand command, CancellationToken cancellationToken)
    {
        await publisher.PublishAsync([Message(command)], cancellationToken).ConfigureAwait(false);
        return command.MessageId;
    }

    /// <summary>The message the step sends, without sending it (a runner that sends it in its own unit of work asks for it).</summary>
    public OutgoingMessage Message(CheckoutCommand command)
    {
        if (MessageCatalog.Find(command.Type) is not { Kind: MessageKind.Command })
            throw new InvalidOperationException($"'{command.Type}' is not a command of the catalog.");
        var envelope = new Envelope
        {
            Id = command.MessageId,
            Type = command.Type,
            Source = CheckoutModule.Source,
            Time = time.GetUtcNow(),
            Subject = command.CorrelationId,
            CorrelationId = command.CorrelationId,
            CausationId = command.CausationId,
            TraceParent = command.TraceParent,
            ReplyTo = command.ReplyTo,
            Data = command.Data.ValueKind == JsonValueKind.Undefined ? throw new InvalidOperationException("The command has no data.") : command.Data,
        };
        return new OutgoingMessage(command.Destination, envelope);
    }
}
