namespace Orderly.Orchestrations;

/// <summary>The outcome of waiting for an event: its payload, or that the timeout won.</summary>
public sealed record EventWaitResult<T>(bool TimedOut, T? Payload)
{
    public static EventWaitResult<T> Received(T payload) => new(false, payload);

    public static EventWaitResult<T> Timeout() => new(true, default);
}
