using System.Collections.Concurrent;
using System.Text.Json;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using Orderly.Orchestrations;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

public sealed class CheckoutOnEmbeddedRunnerTests
{
    private const string OrdersEventsCheckout = "orders-events/subscriptions/checkout";

    private static Envelope Placed(string id = "placed-1") => EnvelopeJson.Create(
        new OrderPlaced(OrderId, "cust-1", [new OrderLine("SKU-1", 3)], new ShippingAddress("Ada", "1 Main St", "Paris", "75001", "FR"), "tok_ok", DateTimeOffset.UnixEpoch),
        id, "/orderly/orders", DateTimeOffset.UtcNow, OrderId, traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    private static string StatusOf(SagaInstanceStatus s) => s.CustomStatus!.Value.GetProperty("status").GetString()!;

    private static List<string> Kinds(IEnumerable<Envelope> published) => published.Select(e => MessageCatalog.Find(e.Type)!.ClrType.Name).ToList();

    [Fact]
    public async Task A_placed_order_is_checked_out_end_to_end_and_a_duplicate_OrderPlaced_starts_nothing()
    {
        await using var host = await CheckoutHost.StartAsync(RunnerHarness.NewPath(), Script());

        await host.DeliverAsync(OrdersEventsCheckout, Placed("placed-1"));
        await host.DeliverAsync(OrdersEventsCheckout, Placed("placed-2")); // redelivered / duplicated event
        var end = await host.WaitForEndAsync(OrderId);

        Assert.Equal(CheckoutStatus.Completed, StatusOf(end));
        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], Kinds(host.Published));
        Assert.All(host.Published, e =>
        {
            Assert.Equal(CheckoutModule.Source, e.Source);
            Assert.Equal("checkout-replies", e.ReplyTo);
            Assert.Equal(OrderId, e.CorrelationId);
            Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", e.TraceParent);
        });
        Assert.Equal("placed-1", host.Published.First().CausationId);
    }

    [Fact]
    public async Task After_a_restart_while_waiting_for_a_reply_the_checkout_resumes_and_sends_no_command_twice()
    {
        var path = RunnerHarness.NewPath();
        var published = new ConcurrentQueue<Envelope>();
        await using (var first = await CheckoutHost.StartAsync(path, Script((kind, _) => kind == nameof(CreateShipment) ? Answer.Silence : null), published: published))
        {
            first.DeleteOnDispose = false;
            await first.DeliverAsync(OrdersEventsCheckout, Placed());
            await Eventually.TrueAsync(() => published.Any(e => e.Type == MessageCatalog.For<CreateShipment>().Name));
        }

        // While the checkout was down, shipping answered; the reply reaches the new process.
        await using var second = await CheckoutHost.StartAsync(path, Script(), published: published);
        var shipment = published.Single(e => e.Type == MessageCatalog.For<CreateShipment>().Name);
        await second.DeliverAsync("checkout-replies", CheckoutHost.ReplyTo(shipment, new ShipmentCreated(OrderId, "shp-1", "TRK-1")));
        var end = await second.WaitForEndAsync(OrderId);

        Assert.Equal(CheckoutStatus.Completed, StatusOf(end));
        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], Kinds(published));
        Assert.Equal(published.Count, published.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task The_step_timeout_from_configuration_cancels_a_checkout_whose_payment_never_answers()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Checkout:StepTimeout"] = "00:00:01", // long enough for the scripted replies on a busy machine
            ["Checkout:CompensationBackoff"] = "00:00:00.050",
        };
        await using var host = await CheckoutHost.StartAsync(RunnerHarness.NewPath(),
            Script((kind, _) => kind == nameof(AuthorizePayment) ? Answer.Silence : null), settings);

        await host.DeliverAsync(OrdersEventsCheckout, Placed());
        var end = await host.WaitForEndAsync(OrderId);

        Assert.Equal(CheckoutStatus.Compensated, StatusOf(end));
        Assert.Equal(["ReserveStock", "AuthorizePayment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(host.Published));
        var cancel = host.Published.Last().Data.Deserialize<CancelOrder>(MessageCatalog.JsonOptions)!;
        Assert.Equal("timeout", cancel.Reason);
        Assert.Equal("timeout", end.CustomStatus!.Value.GetProperty("cancellationReason").GetString());
    }

    [Fact]
    public async Task A_late_reply_to_a_timed_out_step_does_not_move_the_checkout()
    {
        var settings = new Dictionary<string, string?> { ["Checkout:StepTimeout"] = "00:00:01", ["Checkout:CompensationBackoff"] = "00:00:00.050" };
        await using var host = await CheckoutHost.StartAsync(RunnerHarness.NewPath(),
            Script((kind, _) => kind == nameof(AuthorizePayment) ? Answer.Silence : null), settings);

        await host.DeliverAsync(OrdersEventsCheckout, Placed());
        var end = await host.WaitForEndAsync(OrderId);
        var authorize = host.Published.Single(e => e.Type == MessageCatalog.For<AuthorizePayment>().Name);
        await host.DeliverAsync("checkout-replies", CheckoutHost.ReplyTo(authorize, new PaymentAuthorized(OrderId, "pay-late", Total)));

        var after = await host.Runner.GetStatusAsync(OrderId);
        Assert.Equal(end.CustomStatus!.Value.GetRawText(), after!.CustomStatus!.Value.GetRawText());
        Assert.DoesNotContain(host.Published, e => e.Type == MessageCatalog.For<CreateShipment>().Name);
    }

    [Fact]
    public async Task On_the_embedded_runner_an_authorization_for_a_cent_of_the_total_is_voided_and_the_order_cancelled_with_an_alert()
    {
        var log = new CapturingLoggerFactory();
        await using var host = await CheckoutHost.StartAsync(RunnerHarness.NewPath(), Script((kind, _) => kind == nameof(AuthorizePayment)
            ? Answer.With(new PaymentAuthorized(OrderId, "pay-1", new Money(0.01m, "EUR")))
            : null), loggers: log);

        await host.DeliverAsync(OrdersEventsCheckout, Placed());
        var end = await host.WaitForEndAsync(OrderId);

        Assert.Equal(CheckoutStatus.Compensated, StatusOf(end));
        Assert.Equal(["ReserveStock", "AuthorizePayment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(host.Published));
        Assert.Equal("reply-mismatch", host.Published.Last().Data.Deserialize<CancelOrder>(MessageCatalog.JsonOptions)!.Reason);
        var authorize = end.CustomStatus!.Value.GetProperty("steps")[1];
        Assert.Equal(StepRecord.Failed, authorize.GetProperty("status").GetString());
        Assert.Contains("amount: expected 37.50 EUR, got 0.01 EUR", authorize.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var alert = Assert.Single(log.Entries, e => e.EventId.Name == "CheckoutReplyMismatch");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Critical, alert.Level);
    }

    [Fact]
    public async Task On_the_embedded_runner_replies_that_answer_no_step_sent_never_move_the_checkout()
    {
        await using var host = await CheckoutHost.StartAsync(RunnerHarness.NewPath(), Script((kind, _) => kind == nameof(CreateShipment) ? Answer.Silence : null));
        await host.DeliverAsync(OrdersEventsCheckout, Placed());
        await Eventually.TrueAsync(() => host.Published.Any(e => e.Type == MessageCatalog.For<CreateShipment>().Name));
        var shipment = host.Published.Single(e => e.Type == MessageCatalog.For<CreateShipment>().Name);

        // A capture "answering" the shipment step is refused at the door (the pipeline dead-letters it, and logs it).
        var forged = EnvelopeJson.Create(new PaymentCaptured(OrderId, "pay-1", Total), "reply-forged", "/test", DateTimeOffset.UtcNow, OrderId,
            causationId: shipment.Id);
        var refused = await Assert.ThrowsAsync<PermanentFailureException>(() => host.DeliverAsync("checkout-replies", forged));
        Assert.Equal("unexpected-reply", refused.Reason);
        // A shipment answering an attempt that was never sent is raised under that id, which the saga never waits for.
        var unsent = EnvelopeJson.Create(new ShipmentCreated(OrderId, "shp-forged", "TRK-X"), "reply-unsent", "/test", DateTimeOffset.UtcNow, OrderId,
            causationId: CheckoutMessageIds.For(OrderId, "CreateShipment", 2));
        await host.DeliverAsync("checkout-replies", unsent);

        await host.DeliverAsync("checkout-replies", CheckoutHost.ReplyTo(shipment, new ShipmentCreated(OrderId, "shp-1", "TRK-1")));
        var end = await host.WaitForEndAsync(OrderId);

        Assert.Equal(CheckoutStatus.Completed, StatusOf(end));
        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], Kinds(host.Published));
        Assert.Contains("shp-1", end.CustomStatus!.Value.GetProperty("steps")[2].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
