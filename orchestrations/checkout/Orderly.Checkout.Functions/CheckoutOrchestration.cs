using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Orderly.Checkout.Saga;

namespace Orderly.Checkout.Functions;

/// <summary>The checkout saga as a Durable orchestrator, and its one step activity: both delegate to the core.</summary>
public sealed class CheckoutOrchestration(SendCheckoutCommand sendCommand)
{
    [Function(CheckoutSaga.Name)]
    public static Task<CheckoutStatus> RunCheckout([OrchestrationTrigger] TaskOrchestrationContext context) =>
        CheckoutSagaTracing.RunAsync(new DurableSagaContext(context),
            context.GetInput<CheckoutInput>() ?? throw new InvalidOperationException($"Checkout {context.InstanceId} has no input."));

    /// <summary>Sends a command the saga decided on, through the Service Bus publisher (at least once; deterministic message id).</summary>
    [Function(SendCheckoutCommand.Name)]
    public Task<string> Send([ActivityTrigger] CheckoutCommand command, CancellationToken ct) => sendCommand.RunAsync(command, ct);
}
