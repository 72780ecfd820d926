using Orderly.Contracts;
using Orderly.Messaging.ServiceBus;

namespace Orderly.Messaging.ServiceBus.Tests;

/// <summary>How the Service Bus adapter plans a retry and names dead letters.</summary>
public sealed class ServiceBusRetryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_queue_retry_schedules_a_copy_on_the_same_queue_after_the_delay()
    {
        var plan = Assert.IsType<RetryPlan.ScheduleCopy>(ServiceBusEntity.PlanRetry(Destinations.PaymentsCommands, TimeSpan.FromSeconds(7), Now));
        Assert.Equal(Destinations.PaymentsCommands, plan.Queue);
        Assert.Equal(Now.AddSeconds(7), plan.EnqueueAt);
    }

    [Fact]
    public void A_subscription_retry_never_resends_to_the_topic()
    {
        // A copy sent to orders-events would reach checkout, the read model and notifications alike.
        var entity = $"{Destinations.OrdersEvents}/subscriptions/notifications";
        Assert.IsType<RetryPlan.HoldThenAbandon>(ServiceBusEntity.PlanRetry(entity, TimeSpan.FromSeconds(2), Now));
    }

    [Fact]
    public void A_subscription_retry_holds_its_lock_no_longer_than_the_cap()
    {
        var entity = $"{Destinations.InventoryEvents}/subscriptions/inventory-availability";
        var shortHold = Assert.IsType<RetryPlan.HoldThenAbandon>(ServiceBusEntity.PlanRetry(entity, TimeSpan.FromSeconds(2), Now));
        var longHold = Assert.IsType<RetryPlan.HoldThenAbandon>(ServiceBusEntity.PlanRetry(entity, TimeSpan.FromMinutes(10), Now));
        Assert.Equal(TimeSpan.FromSeconds(2), shortHold.Hold);
        Assert.Equal(ServiceBusEntity.MaxSubscriptionHold, longHold.Hold);
        Assert.True(ServiceBusEntity.MaxSubscriptionHold < TimeSpan.FromMinutes(1), "must stay under the lock duration (PT1M in Bicep)");
    }

    [Theory]
    [InlineData("checkout-replies", 42L)]
    [InlineData("orders-events/subscriptions/orders-read-model", 9_000_000_001L)]
    public void Dead_letter_ids_name_their_entity_and_sequence_number(string entity, long sequence)
    {
        var id = ServiceBusEntity.DeadLetterId(entity, sequence);
        Assert.Equal((entity, sequence), ServiceBusEntity.ParseDeadLetterId(id));
    }

    [Theory]
    [InlineData("orders-commands")]
    [InlineData("|12")]
    [InlineData("orders-commands|-3")]
    [InlineData("orders-commands|abc")]
    public void A_malformed_dead_letter_id_is_rejected(string id) =>
        Assert.Throws<ArgumentException>(() => ServiceBusEntity.ParseDeadLetterId(id));
}
