namespace Orderly.Checkout.Tests;

/// <summary>The checkout scenarios on the real Durable Task engine (in process), through the Durable adapter a Function App uses.</summary>
public sealed class CheckoutOnDurableTaskTests : CheckoutScenarios
{
    protected override SagaRuntimeKind Runtime => SagaRuntimeKind.DurableTask;
}
