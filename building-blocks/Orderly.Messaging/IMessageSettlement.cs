namespace Orderly.Messaging;

/// <summary>
/// How a consumer settles the message it holds. The embedded broker and Service Bus each implement it;
/// the consumer pipeline decides which call to make.
/// </summary>
public interface IMessageSettlement
{
    /// <summary>Done: remove the message.</summary>
    Task CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Try again after <paramref name="delay"/>. The embedded broker redelivers the same message later; Service Bus,
    /// whose trigger has no backoff, schedules a copy carrying the attempt count and completes the original. When
    /// <paramref name="spendsAttempt"/> is false (a deferral: the failure said when to come back), this delivery is given back:
    /// the next one has the same attempt number, and <see cref="ReceivedMessage.Deferrals"/> counts one more. A Service Bus
    /// subscription cannot give a delivery back (its broker counts every abandon): there a deferral spends an attempt.
    /// </summary>
    Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default);

    /// <summary>Move the message to the dead-letter queue with a reason code and a description; never lost.</summary>
    Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default);
}
