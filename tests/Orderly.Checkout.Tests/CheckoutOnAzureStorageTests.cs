namespace Orderly.Checkout.Tests;

/// <summary>The checkout scenarios on the Durable Task Framework's worker and Azure Storage backend (Azurite): the local host's <c>Sagas__Engine=AzureStorage</c>.</summary>
public sealed class CheckoutOnAzureStorageTests : CheckoutScenarios
{
    protected override SagaRuntimeKind Runtime => SagaRuntimeKind.AzureStorage;
}
