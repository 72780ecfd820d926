using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using Orderly.Orchestrations;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

/// <summary>
/// Every path of the checkout saga, end to end through the checkout's own handlers, written once and run on each saga runtime
/// (<see cref="CheckoutOnEmbeddedRunnerTests"/>, <see cref="CheckoutOnDurableTaskTests"/>) so the runtimes cannot drift.
/// </summary>
public abstract class CheckoutScenarios
{
    private const string OrdersEventsCheckout = "orders-events/subscriptions/checkout";
    private const string Replies = "checkout-replies";
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /// <summary>Retries and backoffs short enough for a test; the step timeout stays at its 30 s default unless a scenario is about it.</summary>
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Checkout:SendAttempts"] = "3",
        ["Checkout:SendRetryInterval"] = "00:00:00.050",
        ["Checkout:CompensationAttempts"] = "3",
        ["Checkout:CompensationBackoff"] = "00:00:00.050",
    };

    /// <summary>A step timeout that still leaves the scripted replies time to arrive on a busy two-core machine.</summary>
    private static readonly Dictionary<string, string?> ShortTimeout = new(Fast) { ["Checkout:StepTimeout"] = "00:00:01" };

    protected abstract SagaRuntimeKind Runtime { get; }

    protected Task<CheckoutHost> StartAsync(Func<string, CheckoutCommand, Answer?>? overrides = null, Dictionary<string, string?>? settings = null,
        ILoggerFactory? loggers = null) =>
        CheckoutHost.StartAsync(Runtime, Script(overrides), settings ?? Fast, loggers);

    protected static Envelope Placed(string id = "placed-1") => EnvelopeJson.Create(
        new OrderPlaced(OrderId, "cust-1", [new OrderLine("SKU-1", 3)], new ShippingAddress("Ada", "1 Main St", "Paris", "75001", "FR"), "tok_ok", DateTimeOffset.UnixEpoch),
        id, "/orderly/orders", DateTimeOffset.UtcNow, OrderId, traceParent: TraceParent);

    /// <summary>Places the order and waits for its checkout to end.</summary>
    protected static async Task<(SagaInstanceStatus End, CheckoutStatus Checkout)> CheckOutAsync(CheckoutHost host)
    {
        await host.DeliverAsync(OrdersEventsCheckout, Placed());
        var end = await host.WaitForEndAsync(OrderId);
        return (end, end.CustomStatus!.Value.Deserialize<CheckoutStatus>(SagaRegistration.JsonOptions)!);
    }

    protected static List<string> Kinds(IEnumerable<Envelope> published) => published.Select(e => MessageCatalog.Find(e.Type)!.ClrType.Name).ToList();

    private static T Sent<T>(CheckoutHost host) => host.Published.Single(e => e.Type == MessageCatalog.For<T>().Name).Data.Deserialize<T>(MessageCatalog.JsonOptions)!;

    private static Envelope SentEnvelope<T>(CheckoutHost host) => host.Published.Single(e => e.Type == MessageCatalog.For<T>().Name);

    [Fact]
    public async Task A_placed_order_is_checked_out_in_six_correlated_traced_commands_and_a_duplicate_OrderPlaced_starts_nothing()
    {
        var log = new CapturingLoggerFactory();
        await using var host = await StartAsync(loggers: log);

        await host.DeliverAsync(OrdersEventsCheckout, Placed("placed-1"));
        await host.DeliverAsync(OrdersEventsCheckout, Placed("placed-2")); // redelivered / duplicated event
        var end = await host.WaitForEndAsync(OrderId);
        var checkout = end.CustomStatus!.Value.Deserialize<CheckoutStatus>(SagaRegistration.JsonOptions)!;

        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.Equal(CheckoutStatus.Completed, checkout.Status);
        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], Kinds(host.Published));
        Assert.Equal(["inventory-commands", "payments-commands", "shipping-commands", "payments-commands", "inventory-commands", "orders-commands"],
            host.Published.Select(e => host.DestinationOf[e.Id]));
        var sent = host.Published.ToList();
        Assert.All(sent, e =>
        {
            Assert.Equal(CheckoutModule.Source, e.Source);
            Assert.Equal("checkout-replies", e.ReplyTo);
            Assert.Equal(OrderId, e.CorrelationId);
            Assert.Equal(TraceParent, e.TraceParent);
        });
        Assert.Equal(sent.Count, sent.Select(e => e.Id).Distinct().Count());
        Assert.Equal("checkout-order-1-reserve-stock-1", sent[0].Id);
        Assert.Equal("placed-1", sent[0].CausationId);
        Assert.Equal("reply-" + sent[0].Id, sent[1].CausationId); // each command is caused by the reply before it
        // The reserved unit prices fix the authorized, captured and confirmed total.
        Assert.Equal((Total, "tok_ok"), (Sent<AuthorizePayment>(host).Amount, Sent<AuthorizePayment>(host).PaymentToken));
        Assert.Equal("pay-1", Sent<CapturePayment>(host).PaymentId);
        Assert.Equal(Total, Sent<ConfirmOrder>(host).Total);
        Assert.Null(checkout.CurrentStep);
        Assert.All(checkout.Steps, s => Assert.Equal(StepRecord.Succeeded, s.Status));
        Assert.Empty(checkout.Compensations);
        Assert.Null(checkout.CancellationReason);
        Assert.DoesNotContain(log.Entries, e => e.Level == LogLevel.Critical);
    }

    [Fact]
    public async Task Out_of_stock_cancels_the_order_and_never_touches_payment()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(ReserveStock)
            ? Answer.With(new StockReservationRejected(OrderId, "out-of-stock", ["SKU-1"]))
            : null);

        var (_, checkout) = await CheckOutAsync(host);

        Assert.Equal(["ReserveStock", "CancelOrder"], Kinds(host.Published));
        Assert.Equal("out-of-stock", Sent<CancelOrder>(host).Reason);
        Assert.Equal(CheckoutStatus.Compensated, checkout.Status);
        Assert.Equal("out-of-stock", checkout.CancellationReason);
        Assert.Equal(StepRecord.Rejected, checkout.Steps[0].Status);
    }

    [Fact]
    public async Task A_declined_payment_releases_the_stock_then_cancels_the_order()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(AuthorizePayment)
            ? Answer.With(new PaymentDeclined(OrderId, "card-declined"))
            : null);

        var (_, checkout) = await CheckOutAsync(host);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "ReleaseStock", "CancelOrder"], Kinds(host.Published));
        Assert.Equal("payment-declined", Sent<CancelOrder>(host).Reason);
        Assert.Equal(CheckoutStatus.Compensated, checkout.Status);
        Assert.Equal(["ReleaseStock", "CancelOrder"], checkout.Compensations.Select(c => c.Name));
        Assert.All(checkout.Compensations, c => Assert.Equal(CompensationRecord.Succeeded, c.Status));
    }

    [Fact]
    public async Task A_rejected_shipment_voids_the_payment_by_its_id_then_releases_the_stock_then_cancels()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(CreateShipment)
            ? Answer.With(new ShipmentRejected(OrderId, "country-not-served"))
            : null);

        var (_, checkout) = await CheckOutAsync(host);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(host.Published));
        Assert.Equal("shipping-unavailable", Sent<CancelOrder>(host).Reason);
        var voiding = Assert.Single(checkout.Compensations, c => c.Name == "VoidPayment");
        Assert.Equal("pay-1", voiding.Reference); // registered with what the authorization returned, not its input
        Assert.Equal("AuthorizePayment", voiding.ForStep);
        Assert.Equal(CheckoutStatus.Compensated, checkout.Status);
    }

    [Fact]
    public async Task A_failed_capture_undoes_shipment_payment_and_stock_newest_first()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(CapturePayment)
            ? Answer.With(new PaymentCaptureFailed(OrderId, "pay-1", "insufficient-funds"))
            : null);

        var (_, checkout) = await CheckOutAsync(host);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CancelShipment", "VoidPayment", "ReleaseStock", "CancelOrder"],
            Kinds(host.Published));
        Assert.Equal("payment-capture-failed", Sent<CancelOrder>(host).Reason);
        Assert.Equal("shp-1", checkout.Compensations[0].Reference);
        Assert.Equal(CheckoutStatus.Compensated, checkout.Status);
    }

    [Fact]
    public async Task A_payment_that_never_answers_times_out_on_the_configured_step_timeout_and_is_voided_by_order_id()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(AuthorizePayment) ? Answer.Silence : null, ShortTimeout);

        var (end, checkout) = await CheckOutAsync(host);

        // Asked twice (a new message id each time), then given up: the second ask had a whole step timeout of its own.
        Assert.Equal(["ReserveStock", "AuthorizePayment", "AuthorizePayment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(host.Published));
        Assert.Equal("timeout", Sent<CancelOrder>(host).Reason);
        Assert.Equal((StepRecord.TimedOut, 2), (checkout.Steps[1].Status, checkout.Steps[1].Attempts));
        Assert.Equal("no reply within 00:00:01 to each of 2 asks", checkout.Steps[1].Detail);
        Assert.Null(checkout.Compensations[0].Reference); // nothing was returned: the void is a tombstone by order id
        Assert.Equal(CheckoutStatus.Compensated, checkout.Status);
        Assert.Equal("timeout", end.CustomStatus!.Value.GetProperty("cancellationReason").GetString());
    }

    [Fact]
    public async Task A_step_silent_to_its_first_ask_is_asked_again_and_the_answer_to_the_second_ask_confirms_the_order()
    {
        var firstAsk = CheckoutMessageIds.For(OrderId, nameof(AuthorizePayment), 1);
        await using var host = await StartAsync((_, c) => c.MessageId == firstAsk ? Answer.Silence : null, ShortTimeout);

        var (_, checkout) = await CheckOutAsync(host);

        Assert.Equal(CheckoutStatus.Completed, checkout.Status);
        Assert.Equal([firstAsk, CheckoutMessageIds.For(OrderId, nameof(AuthorizePayment), 2)],
            host.Published.Where(e => e.Type == MessageCatalog.For<AuthorizePayment>().Name).Select(e => e.Id));
        Assert.Equal((StepRecord.Succeeded, 2), (checkout.Steps[1].Status, checkout.Steps[1].Attempts));
        Assert.Empty(checkout.Compensations);
    }

    /// <summary>
    /// The checkout is stopped while a step waits for its reply and stays down twice the step timeout (the provider's answer
    /// to the first ask never reaches it): on the restart the step's timer is long past, so the step asks again instead of
    /// cancelling, and the answer to that ask confirms the order. Runs on the runtimes that keep sagas across a restart.
    /// </summary>
    protected async Task A_checkout_down_for_longer_than_its_step_timeout_asks_again_on_restart_and_confirms()
    {
        var first = TestSagaRuntime.Create(Runtime);
        var second = first.Restarted() ?? throw new InvalidOperationException($"{Runtime} keeps nothing across a restart.");
        var published = new ConcurrentQueue<Envelope>();
        var shipments = () => published.Where(e => e.Type == MessageCatalog.For<CreateShipment>().Name).Select(e => e.Id).ToList();
        await using (var before = await CheckoutHost.StartAsync(first, Script((kind, _) => kind == nameof(CreateShipment) ? Answer.Silence : null),
                         ShortTimeout, published))
        {
            await before.DeliverAsync(OrdersEventsCheckout, Placed());
            await Eventually.TrueAsync(() => shipments().Count == 1, 30_000);
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // down: twice the step timeout
        await using var after = await CheckoutHost.StartAsync(second, Script(), ShortTimeout, published);
        var end = await after.WaitForEndAsync(OrderId);
        var checkout = end.CustomStatus!.Value.Deserialize<CheckoutStatus>(SagaRegistration.JsonOptions)!;

        Assert.Equal(CheckoutStatus.Completed, checkout.Status);
        Assert.Null(checkout.CancellationReason);
        Assert.Equal([CheckoutMessageIds.For(OrderId, nameof(CreateShipment), 1), CheckoutMessageIds.For(OrderId, nameof(CreateShipment), 2)], shipments());
        Assert.Equal((StepRecord.Succeeded, 2), (checkout.Steps[2].Status, checkout.Steps[2].Attempts));
    }

    /// <summary>
    /// A quick checkout on Durable arms one step timer, not one per reply wait: a Durable timer cannot be taken back, and each
    /// one still arrives after the checkout ended (on Azure Storage a dequeue, a history read and a delete). Runs on the
    /// runtime whose history can be read (Azure Storage); the in-memory Durable host runs the shared timer in every scenario.
    /// </summary>
    protected async Task A_quick_checkout_arms_one_step_timer_and_completes()
    {
        await using var host = await StartAsync();

        var (end, checkout) = await CheckOutAsync(host);

        Assert.Equal((SagaRuntimeStatus.Completed, CheckoutStatus.Completed), (end.RuntimeStatus, checkout.Status));
        Assert.Equal(6, host.Published.Count);
        Assert.Equal(1, await host.Runtime.TimersCreatedAsync(OrderId));
    }

    [Fact]
    public async Task A_late_reply_to_a_timed_out_step_does_not_move_the_checkout()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(AuthorizePayment) ? Answer.Silence : null, ShortTimeout);

        var (end, _) = await CheckOutAsync(host);
        // A late answer to either ask: the checkout has ended, nothing takes it.
        foreach (var ask in host.Published.Where(e => e.Type == MessageCatalog.For<AuthorizePayment>().Name).ToList())
            await host.DeliverAsync(Replies, CheckoutHost.ReplyTo(ask, new PaymentAuthorized(OrderId, "pay-late", Total)));

        var after = await host.Sagas.GetStatusAsync(OrderId);
        Assert.Equal(SagaRuntimeStatus.Completed, after!.RuntimeStatus);
        Assert.Equal(end.CustomStatus!.Value.GetRawText(), after.CustomStatus!.Value.GetRawText());
        Assert.DoesNotContain(host.Published, e => e.Type == MessageCatalog.For<CreateShipment>().Name);
    }

    [Fact]
    public async Task A_send_that_fails_twice_is_retried_by_the_runtime_and_the_checkout_completes()
    {
        await using var host = await StartAsync((kind, c) => kind == nameof(AuthorizePayment) ? Answer.SendFailsFirst(2, Happy(c)) : null);

        var (_, checkout) = await CheckOutAsync(host);

        Assert.Equal(CheckoutStatus.Completed, checkout.Status);
        Assert.Equal(3, host.SendAttempts["checkout-order-1-authorize-payment-1"]); // the runtime's retries, under the one message id
        Assert.Single(host.Published, e => e.Type == MessageCatalog.For<AuthorizePayment>().Name);
        Assert.Equal(1, checkout.Steps[1].Attempts); // one attempt of the saga's: the runtime's retries do not show
    }

    [Fact]
    public async Task A_command_that_can_never_be_sent_fails_its_step_after_the_retries_and_is_compensated()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(CreateShipment) ? Answer.SendFails : null);

        var (_, checkout) = await CheckOutAsync(host);

        Assert.Equal(["ReserveStock", "AuthorizePayment", "CancelShipment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(host.Published));
        Assert.Equal(3, host.SendAttempts["checkout-order-1-create-shipment-1"]);
        Assert.Equal(StepRecord.Failed, checkout.Steps[2].Status);
        Assert.Equal("send failed: bus unavailable (send 3 of checkout-order-1-create-shipment-1)", checkout.Steps[2].Detail);
        Assert.Equal("step-failed", checkout.CancellationReason);
        Assert.Equal(CheckoutStatus.Compensated, checkout.Status);
    }

    [Fact]
    public async Task A_compensation_that_keeps_failing_leaves_the_checkout_Failed_naming_it_with_one_alert()
    {
        var log = new CapturingLoggerFactory();
        await using var host = await StartAsync((kind, _) => kind switch
        {
            nameof(CreateShipment) => Answer.With(new ShipmentRejected(OrderId, "country-not-served")),
            nameof(VoidPayment) => Answer.Silence,
            _ => null,
        }, ShortTimeout, log);

        var (end, checkout) = await CheckOutAsync(host);

        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus); // a business failure, not a crash of the saga
        Assert.Equal(CheckoutStatus.Failed, checkout.Status);
        Assert.Equal(["VoidPayment"], checkout.NeedsAttention);
        var voiding = checkout.Compensations.Single(c => c.Name == "VoidPayment");
        Assert.Equal((CompensationRecord.Failed, 3), (voiding.Status, voiding.Attempts));
        // Each attempt is a new command id, so a late reply to attempt 1 cannot be taken for attempt 2's.
        Assert.Equal(["checkout-order-1-void-payment-1", "checkout-order-1-void-payment-2", "checkout-order-1-void-payment-3"],
            host.Published.Where(e => e.Type == MessageCatalog.For<VoidPayment>().Name).Select(e => e.Id));
        Assert.All(checkout.Compensations.Where(c => c.Name != "VoidPayment"), c => Assert.Equal(CompensationRecord.Succeeded, c.Status));
        var alert = Assert.Single(log.Entries, e => e.Level == LogLevel.Critical); // replay-safe: once, however often the saga re-ran
        Assert.Equal("CheckoutSagaFailed", alert.EventId.Name);
        Assert.Contains("VoidPayment", alert.Message, StringComparison.Ordinal);
        Assert.Contains(OrderId, alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_storm_keeps_the_status_within_Durables_16_KB_and_shows_each_compensations_last_try()
    {
        // Each compensation's send fails 6 times with an error of ~1,700 characters: logged whole, that is ~90 KB of status.
        var error = string.Concat(Enumerable.Repeat("the bus said \"no\" \u2013 r\u00e9essayez ", 70));
        var storm = new Dictionary<string, string?>(Fast)
        {
            ["Checkout:SendAttempts"] = "1", ["Checkout:CompensationAttempts"] = "6", ["Checkout:CompensationBackoff"] = "00:00:00.001",
        };
        await using var host = await StartAsync((kind, _) => kind switch
        {
            nameof(CapturePayment) => Answer.With(new PaymentCaptureFailed(OrderId, "pay-1", "insufficient-funds")),
            nameof(CancelShipment) or nameof(VoidPayment) or nameof(ReleaseStock) or nameof(CancelOrder) => Answer.SendFailsWith(error),
            _ => null,
        }, storm);

        var (end, checkout) = await CheckOutAsync(host);

        Assert.InRange(Encoding.Unicode.GetByteCount(end.CustomStatus!.Value.GetRawText()), 0, 16 * 1024);
        Assert.Equal(CheckoutStatus.Failed, checkout.Status);
        Assert.Equal(["CancelShipment", "VoidPayment", "ReleaseStock", "CancelOrder"], checkout.NeedsAttention);
        Assert.All(checkout.Compensations, c =>
        {
            Assert.Equal(6, c.Attempts);
            Assert.Equal(6, c.AttemptLog[^1].Number);
            Assert.EndsWith("...", c.AttemptLog[^1].Reason, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task An_authorization_for_a_cent_of_the_total_is_voided_and_the_order_cancelled_with_an_alert()
    {
        var log = new CapturingLoggerFactory();
        await using var host = await StartAsync((kind, _) => kind == nameof(AuthorizePayment)
            ? Answer.With(new PaymentAuthorized(OrderId, "pay-1", new Money(0.01m, "EUR")))
            : null, loggers: log);

        var (_, checkout) = await CheckOutAsync(host);

        Assert.Equal(CheckoutStatus.Compensated, checkout.Status);
        Assert.Equal(["ReserveStock", "AuthorizePayment", "VoidPayment", "ReleaseStock", "CancelOrder"], Kinds(host.Published));
        Assert.Equal("reply-mismatch", Sent<CancelOrder>(host).Reason);
        Assert.Equal(StepRecord.Failed, checkout.Steps[1].Status);
        Assert.Contains("amount: expected 37.50 EUR, got 0.01 EUR", checkout.Steps[1].Detail, StringComparison.Ordinal);
        var alert = Assert.Single(log.Entries, e => e.EventId.Name == "CheckoutReplyMismatch");
        Assert.Equal(LogLevel.Critical, alert.Level);
    }

    [Fact]
    public async Task Replies_that_answer_no_step_sent_never_move_the_checkout()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(CreateShipment) ? Answer.Silence : null);
        await host.DeliverAsync(OrdersEventsCheckout, Placed());
        await Eventually.TrueAsync(() => host.Published.Any(e => e.Type == MessageCatalog.For<CreateShipment>().Name), 15_000);
        var shipment = SentEnvelope<CreateShipment>(host);

        // A capture "answering" the shipment step is refused at the door (the pipeline dead-letters it, and logs it).
        var forged = EnvelopeJson.Create(new PaymentCaptured(OrderId, "pay-1", Total), "reply-forged", "/test", DateTimeOffset.UtcNow, OrderId,
            causationId: shipment.Id);
        var refused = await Assert.ThrowsAsync<PermanentFailureException>(() => host.DeliverAsync(Replies, forged));
        Assert.Equal("unexpected-reply", refused.Reason);
        // A shipment answering an attempt that was never sent is raised under that id, which the saga never waits for.
        var unsent = EnvelopeJson.Create(new ShipmentCreated(OrderId, "shp-forged", "TRK-X"), "reply-unsent", "/test", DateTimeOffset.UtcNow, OrderId,
            causationId: CheckoutMessageIds.For(OrderId, "CreateShipment", 2));
        await host.DeliverAsync(Replies, unsent);

        await host.DeliverAsync(Replies, CheckoutHost.ReplyTo(shipment, new ShipmentCreated(OrderId, "shp-1", "TRK-1")));
        var end = await host.WaitForEndAsync(OrderId);
        var checkout = end.CustomStatus!.Value.Deserialize<CheckoutStatus>(SagaRegistration.JsonOptions)!;

        Assert.Equal(CheckoutStatus.Completed, checkout.Status);
        Assert.Equal(["ReserveStock", "AuthorizePayment", "CreateShipment", "CapturePayment", "CommitStock", "ConfirmOrder"], Kinds(host.Published));
        Assert.Contains("shp-1", checkout.Steps[2].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_status_and_the_output_are_the_same_camelCase_JSON_on_every_runtime()
    {
        await using var host = await StartAsync((kind, _) => kind == nameof(AuthorizePayment)
            ? Answer.With(new PaymentDeclined(OrderId, "card-declined"))
            : null);

        var (end, _) = await CheckOutAsync(host);

        // What GET /api/checkout/{orderId} shows, times left out (they are each runtime's clock).
        Assert.Equal("""
            {"orderId":"order-1","customerId":"cust-1","status":"Compensated","currentStep":null,
            "steps":[{"name":"ReserveStock","status":"Succeeded","attempts":1,"detail":"total 37.50 EUR","attemptLog":[{"number":1,
            "messageId":"checkout-order-1-reserve-stock-1","outcome":"Replied","reply":"StockReserved","reason":null,"traceId":"0af7651916cd43dd8448eb211c80319c"}]},
            {"name":"AuthorizePayment","status":"Rejected","attempts":1,"detail":"card-declined","attemptLog":[{"number":1,
            "messageId":"checkout-order-1-authorize-payment-1","outcome":"Replied","reply":"PaymentDeclined","reason":null,"traceId":"0af7651916cd43dd8448eb211c80319c"}]}],
            "compensations":[{"name":"ReleaseStock","forStep":"ReserveStock","reference":null,"status":"Succeeded","attempts":1,"detail":null,"attemptLog":[{"number":1,
            "messageId":"checkout-order-1-release-stock-1","outcome":"Replied","reply":"StockReleased","reason":null,"traceId":"0af7651916cd43dd8448eb211c80319c"}]},
            {"name":"CancelOrder","forStep":"PlaceOrder","reference":"payment-declined","status":"Succeeded","attempts":1,"detail":null,"attemptLog":[{"number":1,
            "messageId":"checkout-order-1-cancel-order-1","outcome":"Replied","reply":"OrderCancelled","reason":null,"traceId":"0af7651916cd43dd8448eb211c80319c"}]}],
            "cancellationReason":"payment-declined","needsAttention":null}
            """.ReplaceLineEndings(""), WithoutTimes(end.CustomStatus!.Value));
        Assert.Equal(end.CustomStatus!.Value.GetRawText(), end.Output!.Value.GetRawText()); // the saga's result is its last status
        Assert.Equal(CheckoutSaga.Name, end.Name);
    }

    /// <summary>The JSON with every <c>startedAt</c> / <c>finishedAt</c> / <c>durationMs</c> removed, of records and their attempts.</summary>
    private static string WithoutTimes(JsonElement status)
    {
        var node = JsonNode.Parse(status.GetRawText())!;
        foreach (var record in node["steps"]!.AsArray().Concat(node["compensations"]!.AsArray()))
        {
            record!.AsObject().Remove("startedAt");
            record.AsObject().Remove("finishedAt");
            foreach (var attempt in record["attemptLog"]!.AsArray())
            {
                attempt!.AsObject().Remove("startedAt");
                attempt.AsObject().Remove("finishedAt");
                attempt.AsObject().Remove("durationMs");
            }
        }
        return node.ToJsonString();
    }
}
