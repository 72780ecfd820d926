using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orderly.Checkout.Handlers;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Messaging;
using Orderly.Orchestrations;
using Orderly.Storage;

namespace Orderly.Checkout.Tests;

public sealed class CheckoutHandlerTests
{
    private sealed class RecordingSagas : ISagaEventRaiser, ISagaStarter
    {
        public List<(string Instance, string Event, object Payload)> Raised { get; } = [];
        public List<(string Name, string Instance, object Input)> Started { get; } = [];

        public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default)
        {
            Raised.Add((instanceId, eventName, payload));
            return Task.CompletedTask;
        }

        public Task<bool> StartIfNotExistsAsync(string name, string instanceId, object input, CancellationToken cancellationToken = default)
        {
            Started.Add((name, instanceId, input));
            return Task.FromResult(true);
        }
    }

    private static MessageContext ContextFor(Envelope e) =>
        new(e, null!, new WriteBatch("order-1"), new EnvelopeFactory(CheckoutModule.Source, TimeProvider.System), NullLogger.Instance);

    private static Envelope Reply(object reply, string? causation, string correlation = "order-1") =>
        EnvelopeJson.Create(reply, "r-1", "/orderly/inventory", DateTimeOffset.UnixEpoch, correlation, causationId: causation);

    [Fact]
    public async Task A_reply_raises_the_event_named_by_its_causation_id_on_the_order_s_saga_with_the_envelope()
    {
        var sagas = new RecordingSagas();
        var reply = Reply(new StockCommitted("order-1"), "checkout-order-1-commit-stock-1");

        await new StockCommittedHandler(sagas).HandleAsync(new StockCommitted("order-1"), ContextFor(reply), CancellationToken.None);

        var raised = Assert.Single(sagas.Raised);
        Assert.Equal(("order-1", "checkout-order-1-commit-stock-1"), (raised.Instance, raised.Event));
        Assert.Same(reply, raised.Payload);
    }

    [Fact]
    public async Task A_reply_without_causation_id_is_dead_lettered_not_retried()
    {
        var sagas = new RecordingSagas();
        var ex = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            new StockCommittedHandler(sagas).HandleAsync(new StockCommitted("order-1"), ContextFor(Reply(new StockCommitted("order-1"), null)), CancellationToken.None));

        Assert.Equal(ContractViolationReason.InvalidData, ex.Reason);
        Assert.Empty(sagas.Raised);
    }

    [Fact]
    public async Task A_reply_correlated_with_another_order_is_dead_lettered()
    {
        var sagas = new RecordingSagas();
        await Assert.ThrowsAsync<PermanentFailureException>(() =>
            new StockCommittedHandler(sagas).HandleAsync(new StockCommitted("order-1"), ContextFor(Reply(new StockCommitted("order-1"), "x", "order-2")), CancellationToken.None));
        Assert.Empty(sagas.Raised);
    }

    [Theory]
    [InlineData("checkout-order-2-commit-stock-1")] // another order's step
    [InlineData("checkout-order-1-refund-payment-1")] // a step the saga does not have
    [InlineData("checkout-order-1-commit-stock")] // not a step id
    [InlineData("placed-1")]
    public async Task A_reply_whose_causation_id_is_no_step_of_its_order_is_dead_lettered_not_raised(string causation)
    {
        var sagas = new RecordingSagas();
        var ex = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            new StockCommittedHandler(sagas).HandleAsync(new StockCommitted("order-1"), ContextFor(Reply(new StockCommitted("order-1"), causation)), CancellationToken.None));

        Assert.Equal("unexpected-reply", ex.Reason);
        Assert.Contains(causation, ex.Description, StringComparison.Ordinal);
        Assert.Empty(sagas.Raised);
    }

    [Fact]
    public async Task A_reply_of_a_type_its_step_never_asks_for_is_dead_lettered_not_raised()
    {
        var sagas = new RecordingSagas();
        var captured = new PaymentCaptured("order-1", "pay-1", new Money(0.01m, "EUR"));
        var ex = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            new PaymentCapturedHandler(sagas).HandleAsync(captured, ContextFor(Reply(captured, "checkout-order-1-authorize-payment-1")), CancellationToken.None));

        Assert.Equal("unexpected-reply", ex.Reason);
        Assert.Contains("AuthorizePayment is never answered with PaymentCaptured", ex.Description, StringComparison.Ordinal);
        Assert.Empty(sagas.Raised);
    }

    /// <summary>The replies checkout declares in its consumer contract are ones its own handlers take (their causation ids name real steps).</summary>
    [Fact]
    public async Task Every_reply_sample_of_the_checkout_contract_is_taken_by_its_handler()
    {
        using var contract = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "shared-contracts", "expectations", "checkout.json")));
        var samples = contract.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("from").GetString() == Destinations.CheckoutReplies)
            .Select(m => EnvelopeJson.Parse(Encoding.UTF8.GetBytes(m.GetProperty("sample").GetRawText()))).ToList();
        await using var host = await CheckoutHost.StartAsync(SagaRuntimeKind.Embedded, BaseServicesScript.Script());

        Assert.Equal(14, samples.Count);
        foreach (var sample in samples) await host.DeliverAsync(Destinations.CheckoutReplies, sample);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Orderly.slnx not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task OrderPlaced_starts_the_checkout_under_the_order_id_with_the_configured_settings()
    {
        var sagas = new RecordingSagas();
        var options = Options.Create(new CheckoutOptions { StepTimeout = TimeSpan.FromSeconds(7) });
        var placed = new OrderPlaced("order-1", "cust-1", [new OrderLine("SKU-1", 1)], new ShippingAddress("A", "B", "C", "D", "FR"), "tok", DateTimeOffset.UnixEpoch);
        var envelope = EnvelopeJson.Create(placed, "placed-9", "/orderly/orders", DateTimeOffset.UnixEpoch, "order-1", traceParent: "00-abc-def-01");

        await new OrderPlacedHandler(sagas, options).HandleAsync(placed, ContextFor(envelope), CancellationToken.None);

        var started = Assert.Single(sagas.Started);
        Assert.Equal((CheckoutSaga.Name, "order-1"), (started.Name, started.Instance));
        var input = Assert.IsType<CheckoutInput>(started.Input);
        Assert.Equal(("placed-9", "00-abc-def-01", TimeSpan.FromSeconds(7)), (input.OrderPlacedMessageId, input.TraceParent, input.Settings.StepTimeout));
        Assert.Equal(Destinations.InventoryCommands, input.Settings.Queues.Inventory);
    }
}
