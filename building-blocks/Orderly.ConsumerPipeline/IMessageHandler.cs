namespace Orderly.ConsumerPipeline;

/// <summary>
/// Handles one contract message. The handler stages its writes and outgoing messages in the <see cref="MessageContext"/>;
/// the pipeline commits them with the inbox record in one batch, so a message has one effect however often it arrives.
/// </summary>
public interface IMessageHandler<in TMessage>
    where TMessage : notnull
{
    /// <summary>The partition the handler writes (usually the aggregate id); the inbox record for the message goes there too.</summary>
    string PartitionKeyFor(TMessage message);

    /// <summary>Decides and stages; throws <see cref="PermanentFailureException"/> for what no retry can fix.</summary>
    Task HandleAsync(TMessage message, MessageContext context, CancellationToken cancellationToken);
}

/// <summary>A failure no retry can fix: the message goes to the dead-letter queue at once with <see cref="Reason"/>.</summary>
public sealed class PermanentFailureException(string reason, string description, Exception? inner = null) : Exception($"{reason}: {description}", inner)
{
    public string Reason { get; } = reason;
    public string Description { get; } = description;
}
