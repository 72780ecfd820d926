using System.Collections.Concurrent;
using Orderly.Checkout.Saga;
using Orderly.Contracts;
using Orderly.Contracts.Shipping;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

/// <summary>The checkout scenarios on the embedded runner, and what only it can show here: a checkout surviving a restart.</summary>
public sealed class CheckoutOnEmbeddedRunnerTests : CheckoutScenarios
{
    protected override SagaRuntimeKind Runtime => SagaRuntimeKind.Embedded;

    [Fact]
    public Task Down_for_longer_than_the_step_timeout_the_checkout_asks_again_on_restart_and_confirms() =>
        A_checkout_down_for_longer_than_its_step_timeout_asks_again_on_restart_and_confirms();

    [Fact]
    public async Task After_a_restart_while_waiting_for_a_reply_the_checkout_resumes_and_sends_no_command_twice()
    {
        // The in-process Durable host keeps nothing across a restart; in Azure, Durable's storage backend does this.
        var path = EmbeddedTestRuntime.NewPath();
        var published = new ConcurrentQueue<Envelope>();
        await using (var first = await CheckoutHost.StartAsync(new EmbeddedTestRuntime(path) { DeleteOnDispose = false },
                         Script((kind, _) => kind == nameof(CreateShipment) ? Answer.Silence : null), published: published))
        {
            await first.DeliverAsync("orders-events/subscriptions/checkout", Placed());
            await Eventually.TrueAsync(() => published.Any(e => e.Type == MessageCatalog.For<CreateShipment>().Name));
        }

        // While the checkout was down, shipping answered; the reply reaches the new process.
        await using var second = await CheckoutHost.StartAsync(new EmbeddedTestRuntime(path), Script(), published: published);
        var shipment = published.Single(e => e.Type == MessageCatalog.For<CreateShipment>().Name);
        await second.DeliverAsync("checkout-replies", CheckoutHost.ReplyTo(shipment, new ShipmentCreated(OrderId, "shp-1", "TRK-1")));
        var end = await second.WaitForEndAsync(OrderId);

        Assert.Equal(CheckoutStatus.Completed, end.CustomStatus!.Value.GetProperty("status").GetString());
        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], Kinds(published));
        Assert.Equal(published.Count, published.Select(e => e.Id).Distinct().Count());
    }
}
