using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Orderly.Checkout.Saga;
using Orderly.Orchestrations.Durable;

namespace Orderly.Checkout.Functions;

/// <summary>The checkout saga as a Durable orchestrator, and its one step activity: both bodies are the Durable adapter's.</summary>
/// <remarks>
/// The worker hands the orchestrator its <see cref="TaskOrchestrationContext"/> (the trigger binding, wrapped by the
/// extension) and the activity its input as JSON; <see cref="DurableSagaRunner"/> runs the saga and step registered by
/// <c>AddCheckoutContext</c>, the same ones the embedded runner and the tests run.
/// </remarks>
public sealed class CheckoutOrchestration(DurableSagaRunner sagas)
{
    [Function(CheckoutSaga.Name)]
    public Task<JsonElement> RunCheckout([OrchestrationTrigger] TaskOrchestrationContext context) => sagas.RunSagaAsync(CheckoutSaga.Name, context);

    /// <summary>Sends a command the saga decided on, through the Service Bus publisher (at least once; deterministic message id).</summary>
    [Function(SendCheckoutCommand.Name)]
    public Task<JsonElement> Send([ActivityTrigger] JsonElement command, CancellationToken ct) => sagas.RunStepAsync(SendCheckoutCommand.Name, command, ct);
}
