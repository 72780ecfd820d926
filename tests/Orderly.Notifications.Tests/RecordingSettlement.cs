using Orderly.Messaging;

namespace Orderly.Notifications.Tests;

/// <summary>Remembers how the pipeline settled a message.</summary>
public sealed class RecordingSettlement : IMessageSettlement
{
    public string? Outcome { get; private set; }

    public Task CompleteAsync(CancellationToken cancellationToken = default) => Set("completed");

    public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default) => Set("retry");

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default) => Set("dead-lettered: " + reason);

    private Task Set(string outcome)
    {
        Outcome = outcome;
        return Task.CompletedTask;
    }
}
