namespace Orderly.Infrastructure.Tests;

/// <summary>
/// What main.bicep's apps array declares each app may read and send: only its own queue, subscriptions, topic and container.
/// <see cref="CompiledAccessTests"/> proves the compiled template grants exactly that, one entity at a time.
/// </summary>
public sealed class LeastPrivilegeTests
{
    private const string Checkout = "checkout";
    private static readonly IReadOnlyList<BicepApp> Apps = BicepApp.All();
    private static readonly string[] BaseCommandQueues = ["orders-commands", "inventory-commands", "payments-commands", "shipping-commands"];

    [Fact]
    public void Apps_read_only_their_own_queue_and_subscriptions()
    {
        Assert.All(Apps, app =>
        {
            var ownQueue = app.Name == Checkout ? "checkout-replies" : $"{app.Name}-commands";
            Assert.All(app.ReceiveQueues, q => Assert.Equal(ownQueue, q));
            // A subscription belongs to the app it is named for: orders-events/orders-read-model is the orders app's.
            Assert.All(app.ReceiveSubscriptions, path =>
            {
                var subscription = path.Split('/')[1];
                Assert.True(subscription == app.Name || subscription.StartsWith(app.Name + "-", StringComparison.Ordinal),
                    $"{app.Name} reads {path}, which is named for another context");
            });
        });
    }

    [Fact]
    public void Apps_publish_only_to_their_own_topic()
    {
        Assert.All(Apps, app => Assert.All(app.SendTopics, t => Assert.Equal($"{app.Name}-events", t)));
    }

    [Fact]
    public void Base_contexts_send_only_replies_and_only_the_saga_sends_commands()
    {
        Assert.All(Apps.Where(a => a.Name != Checkout), app => Assert.All(app.SendQueues, q => Assert.Equal("checkout-replies", q)));
        var saga = Assert.Single(Apps, a => a.Name == Checkout);
        Assert.Equal(BaseCommandQueues.Order(), saga.SendQueues.Order());
    }

    [Fact]
    public void Each_app_has_its_own_container()
    {
        Assert.All(Apps, a => Assert.Equal(a.Name, a.Container));
        Assert.Equal(Apps.Count, Apps.Select(a => a.Container).Distinct().Count());
    }
}
