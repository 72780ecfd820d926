using Microsoft.Extensions.Logging;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Storage;

namespace Orderly.Messaging.Tests.Pipeline;

/// <summary>The effect of ConfirmOrder on the test's "aggregate": how many times it was applied, and by which message last.</summary>
public sealed record Effect(int Count, string LastMessageId)
{
    public const string Id = "effect";
    public const string Kind = "effect";
}

/// <summary>Counts invocations of the probe handler and lets a test make it fail or race.</summary>
public sealed class HandlerProbe
{
    private int _invocations;

    public int Invocations => Volatile.Read(ref _invocations);

    /// <summary>Runs first on every invocation (throw here to fail the handler).</summary>
    public Func<ConfirmOrder, Task>? Before { get; set; }

    /// <summary>Runs after the handler has read its aggregate and before it stages the write (a concurrent writer goes here).</summary>
    public Func<MessageContext, Task>? AfterRead { get; set; }

    internal void Invoked() => Interlocked.Increment(ref _invocations);
}

/// <summary>
/// A handler written as the contexts write theirs: read the aggregate, apply, save at its ETag, publish an event.
/// Its effect is counted, so a duplicate that got through would show as a count of 2.
/// </summary>
public sealed class ProbeHandler(HandlerProbe probe) : IMessageHandler<ConfirmOrder>
{
    public string PartitionKeyFor(ConfirmOrder message) => message.OrderId;

    public async Task HandleAsync(ConfirmOrder message, MessageContext context, CancellationToken cancellationToken)
    {
        probe.Invoked();
        if (probe.Before is { } before) await before(message);
        var stored = await context.Store.ReadAsync(message.OrderId, Effect.Id, cancellationToken);
        var count = stored?.As<Effect>().Count ?? 0;
        if (probe.AfterRead is { } afterRead) await afterRead(context);
        context.Batch.Save(Effect.Id, Effect.Kind, new Effect(count + 1, context.Envelope.Id), stored?.ETag);
        context.Publish(PipelineHarness.Topic, new OrderConfirmed(message.OrderId, "customer-1", message.Total, context.Now));
        context.Logger.LogInformation("Probe applied ConfirmOrder {OrderId}", message.OrderId);
    }
}
