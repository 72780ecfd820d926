namespace Orderly.Checkout.Tests;

/// <summary>The checkout scenarios on the Durable Task Framework's worker and Azure Storage backend (Azurite): the local host's <c>Sagas__Engine=AzureStorage</c>.</summary>
public sealed class CheckoutOnAzureStorageTests : CheckoutScenarios
{
    protected override SagaRuntimeKind Runtime => SagaRuntimeKind.AzureStorage;

    [Fact]
    public Task A_quick_checkout_arms_one_step_timer_not_one_per_step_and_completes() => A_quick_checkout_arms_one_step_timer_and_completes();

    [Fact]
    public Task Down_for_longer_than_the_step_timeout_the_checkout_asks_again_on_restart_and_confirms() =>
        A_checkout_down_for_longer_than_its_step_timeout_asks_again_on_restart_and_confirms();
}
