namespace Orderly.Messaging.Tests.Pipeline;

/// <summary>A settlement that remembers what the pipeline decided, for tests that call the pipeline directly.</summary>
public sealed class RecordingSettlement : IMessageSettlement
{
    public List<string> Calls { get; } = [];
    public string? DeadLetterReason { get; private set; }
    public TimeSpan? RetryDelay { get; private set; }

    public Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        lock (Calls) Calls.Add("complete");
        return Task.CompletedTask;
    }

    public Task RetryLaterAsync(TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken = default)
    {
        lock (Calls) Calls.Add(spendsAttempt ? "retry" : "defer");
        RetryDelay = delay;
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken = default)
    {
        lock (Calls) Calls.Add("dead-letter");
        DeadLetterReason = reason;
        return Task.CompletedTask;
    }
}
