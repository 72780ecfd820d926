using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Saga;

/// <summary>
/// The checkout saga (ORDERLY.md "The checkout saga"), written once against <see cref="SagaContext"/>: it runs on Durable
/// Functions and on the embedded runner alike. Deterministic: time, ids and I/O come only through the context.
/// </summary>
/// <remarks>
/// Reserve, authorize and ship can be undone; the capture is the pivot; committing the stock and confirming the order after
/// it can only go forward, so they are retried like compensations and a lasting failure there also needs attention.
/// </remarks>
public sealed class CheckoutSaga
{
    /// <summary>The saga's (orchestrator's) name.</summary>
    public const string Name = "CheckoutSaga";

    /// <summary>The event id of the alert logged when a saga ends Failed.</summary>
    public static readonly EventId SagaFailedEvent = new(5100, "CheckoutSagaFailed");

    /// <summary>The event id of the alert logged when a reply does not match what the saga asked (<see cref="ReplyCheck"/>).</summary>
    public static readonly EventId ReplyMismatchEvent = new(5101, "CheckoutReplyMismatch");

    /// <summary>The cancellation reason when a reply did not match what the saga asked.</summary>
    public const string ReplyMismatch = "reply-mismatch";

    // The other ways an exchange fails; before the capture, also the reason the order is cancelled with.
    private const string Timeout = "timeout";
    private const string StepFailed = "step-failed";

    private readonly SagaContext _ctx;
    private readonly CheckoutInput _input;
    private readonly CheckoutSettings _settings;
    private readonly ILogger _log;
    private readonly CheckoutStatus _status;
    private readonly Stack<PendingCompensation> _compensations = new();
    private readonly CheckoutMeasurements _measurements;
    private string _lastCause;
    private ReplyCheck _check;

    private CheckoutSaga(SagaContext ctx, CheckoutInput input)
    {
        _ctx = ctx;
        _input = input;
        _settings = input.Settings;
        _log = ctx.CreateReplaySafeLogger<CheckoutSaga>();
        _status = new CheckoutStatus { OrderId = input.OrderId, CustomerId = input.CustomerId };
        _lastCause = input.OrderPlacedMessageId;
        _check = new ReplyCheck(input.OrderId);
        _measurements = new CheckoutMeasurements(ctx, input.TraceParent);
    }

    /// <summary>Runs the checkout of one order to its end and returns its final status.</summary>
    public static Task<CheckoutStatus> RunAsync(SagaContext context, CheckoutInput input) => new CheckoutSaga(context, input).RunAsync();

    private async Task<CheckoutStatus> RunAsync()
    {
        var orderId = _input.OrderId;
        Publish();

        // 1. Reserve: the unit prices the inventory answers with fix the total.
        var reserve = await StepAsync("ReserveStock", _settings.Queues.Inventory, new ReserveStock(orderId, _input.Items));
        Money total;
        switch (reserve.Reply)
        {
            case StockReserved r:
                Succeeded(reserve.Record, $"total {r.Total.Amount} {r.Total.Currency}");
                _compensations.Push(new("ReleaseStock", "ReserveStock", _settings.Queues.Inventory, new ReleaseStock(orderId), null));
                total = r.Total;
                _check = _check with { Total = total };
                break;
            case StockReservationRejected r:
                Rejected(reserve.Record, $"{r.Reason}: {string.Join(", ", r.Skus)}");
                return await AbortAsync("out-of-stock");
            default:
                // A timed-out reservation may still land, a mismatched one may hold stock: release it (inventory leaves a
                // tombstone, so a late one is refused).
                _compensations.Push(new("ReleaseStock", "ReserveStock", _settings.Queues.Inventory, new ReleaseStock(orderId), null));
                return await AbortAsync(reserve.FailureReason);
        }

        // 2. Authorize the total.
        var authorize = await StepAsync("AuthorizePayment", _settings.Queues.Payments, new AuthorizePayment(orderId, total, _input.PaymentToken));
        string paymentId;
        switch (authorize.Reply)
        {
            case PaymentAuthorized a:
                Succeeded(authorize.Record, $"payment {a.PaymentId}{ProviderTries(a.ProviderAttempts)}");
                _compensations.Push(new("VoidPayment", "AuthorizePayment", _settings.Queues.Payments, new VoidPayment(orderId), a.PaymentId));
                paymentId = a.PaymentId;
                _check = _check with { PaymentId = paymentId };
                break;
            case PaymentDeclined d:
                Rejected(authorize.Record, d.Reason + ProviderTries(d.ProviderAttempts));
                return await AbortAsync("payment-declined");
            default:
                // Timed out, or authorized something else (another amount, currency or order): void whatever stands, by
                // order id; a mismatched reply's payment id is not trusted as the reference.
                _compensations.Push(new("VoidPayment", "AuthorizePayment", _settings.Queues.Payments, new VoidPayment(orderId), null));
                return await AbortAsync(authorize.FailureReason);
        }

        // 3. Ship.
        var ship = await StepAsync("CreateShipment", _settings.Queues.Shipping, new CreateShipment(orderId, _input.ShippingAddress, _input.Items));
        switch (ship.Reply)
        {
            case ShipmentCreated s:
                Succeeded(ship.Record, $"shipment {s.ShipmentId}, tracking {s.TrackingNumber}");
                _compensations.Push(new("CancelShipment", "CreateShipment", _settings.Queues.Shipping, new CancelShipment(orderId), s.ShipmentId));
                _check = _check with { ShipmentId = s.ShipmentId };
                break;
            case ShipmentRejected r:
                Rejected(ship.Record, r.Reason);
                return await AbortAsync("shipping-unavailable");
            default:
                _compensations.Push(new("CancelShipment", "CreateShipment", _settings.Queues.Shipping, new CancelShipment(orderId), null));
                return await AbortAsync(ship.FailureReason);
        }

        // 4. Capture: the pivot. Before it everything is undone; after it everything goes forward.
        // A capture reply that does not match (another amount, currency, payment or order) is no capture this saga asked for,
        // so nothing goes forward: it is compensated like a capture that never answered. The shipment is cancelled, the
        // stock released, the order cancelled (reply-mismatch), and VoidPayment doubles as the probe of what payments did:
        // it voids an authorization that still stands, and refuses (dead-letters) to void a captured payment. So when the
        // wrong amount really was captured, the void never answers and the saga ends Failed with VoidPayment needing
        // attention (a refund is a person's decision), never Confirmed.
        var capture = await StepAsync("CapturePayment", _settings.Queues.Payments, new CapturePayment(orderId, paymentId));
        switch (capture.Reply)
        {
            case PaymentCaptured c:
                Succeeded(capture.Record, $"captured {c.Amount.Amount} {c.Amount.Currency}");
                break;
            case PaymentCaptureFailed f:
                Rejected(capture.Record, f.Reason);
                return await AbortAsync("payment-capture-failed");
            default:
                return await AbortAsync(capture.FailureReason);
        }

        // 5-6. Forward only: retried until done; a lasting failure needs a person, not a compensation.
        var stuck = new List<string>();
        if (!await ForwardAsync("CommitStock", _settings.Queues.Inventory, new CommitStock(orderId)))
            stuck.Add("CommitStock");
        if (!await ForwardAsync("ConfirmOrder", _settings.Queues.Orders, new ConfirmOrder(orderId, total)))
            stuck.Add("ConfirmOrder");

        _status.CurrentStep = null;
        if (stuck.Count > 0) return Fail(stuck);
        _status.Status = CheckoutStatus.Completed;
        Publish();
        _log.LogInformation("Checkout of order {OrderId} completed", orderId);
        return _status;
    }

    /// <summary>Compensates the steps done, newest first, then cancels the order with <paramref name="reason"/>.</summary>
    private async Task<CheckoutStatus> AbortAsync(string reason)
    {
        _status.CancellationReason = reason;
        _log.LogWarning("Checkout of order {OrderId} is being compensated: {Reason}", _input.OrderId, reason);
        var pending = _compensations.ToList(); // newest first
        var records = pending.Select(c => new CompensationRecord { Name = c.Name, ForStep = c.ForStep, Reference = c.Reference }).ToList();
        var cancel = new CompensationRecord { Name = "CancelOrder", ForStep = "PlaceOrder", Reference = reason };
        _status.Compensations.AddRange(records);
        _status.Compensations.Add(cancel);
        Publish();

        // Every compensation runs even when one before it failed: each one left undone is money or stock held for nothing.
        var failed = new List<string>();
        for (var i = 0; i < pending.Count; i++)
        {
            if (!await CompensateAsync(records[i], pending[i].Queue, pending[i].Command)) failed.Add(pending[i].Name);
        }
        if (!await CompensateAsync(cancel, _settings.Queues.Orders, new CancelOrder(_input.OrderId, reason, _check.Total))) failed.Add("CancelOrder");

        _status.CurrentStep = null;
        if (failed.Count > 0) return Fail(failed);
        _status.Status = CheckoutStatus.Compensated;
        Publish();
        return _status;
    }

    private CheckoutStatus Fail(List<string> needsAttention)
    {
        _status.Status = CheckoutStatus.Failed;
        _status.NeedsAttention = needsAttention;
        Publish();
        // The alert: never dropped, always with what a person must finish by hand.
        _log.LogCritical(SagaFailedEvent, "ALERT checkout saga {OrderId} failed and needs attention: {NeedsAttention} still failing after retries",
            _input.OrderId, string.Join(", ", needsAttention));
        return _status;
    }

    private async Task<bool> CompensateAsync(CompensationRecord record, string queue, object command)
    {
        record.Status = CompensationRecord.Running;
        record.StartedAt = Now;
        _status.CurrentStep = record.Name;
        var outcome = await RetryAsync(record.Name, queue, command, record.AttemptLog, n => record.Attempts = n);
        record.FinishedAt = Now;
        record.Status = outcome.Reply is not null ? CompensationRecord.Succeeded : CompensationRecord.Failed;
        record.Detail = outcome.Reply is not null ? null : StatusBudget.Clip(outcome.FailureDetail);
        Publish();
        return outcome.Reply is not null;
    }

    private async Task<bool> ForwardAsync(string name, string queue, object command)
    {
        var record = new StepRecord { Name = name, StartedAt = Now };
        _status.Steps.Add(record);
        _status.CurrentStep = name;
        var outcome = await RetryAsync(name, queue, command, record.AttemptLog, n => record.Attempts = n);
        record.FinishedAt = Now;
        record.Status = outcome.Reply is not null ? StepRecord.Succeeded : StepRecord.Failed;
        record.Detail = outcome.Reply is not null ? null : StatusBudget.Clip(outcome.FailureDetail);
        Publish();
        return record.Status == StepRecord.Succeeded;
    }

    /// <summary>Sends and waits, again after a durable backoff, until a reply comes (a matching one or a wrong one) or the attempts are spent.</summary>
    private async Task<Exchange> RetryAsync(string name, string queue, object command, List<AttemptRecord> log, Action<int> onAttempt)
    {
        var policy = new StepRetryPolicy(Math.Max(1, _settings.CompensationAttempts), _settings.CompensationBackoff);
        Exchange last = default;
        for (var attempt = 1; attempt <= policy.MaxAttempts; attempt++)
        {
            if (attempt > 1) await _ctx.DelayAsync(policy.DelayBefore(attempt));
            onAttempt(attempt);
            last = await ExchangeAsync(name, queue, command, attempt, log);
            // A wrong answer is not retried: it is evidence for a person, and asking again would only be answered the same.
            if (last.Reply is not null || last.FailureReason == ReplyMismatch) return last;
        }
        return last;
    }

    /// <summary>
    /// A forward step: asks, and when no reply came within the step timeout, asks again (up to <see cref="CheckoutSettings.StepAsks"/>)
    /// before giving up with <c>timeout</c>.
    /// </summary>
    /// <remarks>
    /// A step timer is wall-clock on every runtime (a Durable timer is a queue message made visible at its fire time), so a
    /// host that was stopped or stalled past it wakes up to a timeout its provider never earned: the command may sit unread
    /// in the provider's queue, or its reply in ours. Asking again measures the provider's silence instead: the new ask has
    /// its own message id (the inbox takes it), the base services answer a repeated command for the same order with the
    /// outcome they recorded (reservation, payment and shipment are keyed by order id), and it gets a whole step timeout of
    /// the host running. A late reply to an earlier ask is the same outcome; the saga waits only for the newest.
    /// </remarks>
    private async Task<StepOutcome> StepAsync(string name, string queue, object command)
    {
        var record = new StepRecord { Name = name, StartedAt = Now, Attempts = 1 };
        _status.Steps.Add(record);
        _status.CurrentStep = name;
        var asks = Math.Max(1, _settings.StepAsks);
        var exchange = await ExchangeAsync(name, queue, command, attempt: 1, record.AttemptLog);
        for (var ask = 2; ask <= asks && exchange.FailureReason == Timeout; ask++)
        {
            _log.LogWarning("Checkout of order {OrderId}: asking {Step} again ({Ask} of {Asks})", _input.OrderId, name, ask, asks);
            record.Attempts = ask;
            exchange = await ExchangeAsync(name, queue, command, ask, record.AttemptLog);
        }
        if (exchange.Reply is null)
        {
            record.Status = exchange.FailureReason == Timeout ? StepRecord.TimedOut : StepRecord.Failed;
            record.Detail = StatusBudget.Clip(exchange.FailureReason == Timeout && asks > 1
                ? $"{exchange.FailureDetail} to each of {asks} asks"
                : exchange.FailureDetail);
            record.FinishedAt = Now;
            Publish();
        }
        return new StepOutcome(record, exchange.Reply, exchange.FailureReason ?? StepFailed);
    }

    /// <summary>
    /// One command and the wait for its reply: the event name is the command's message id (the reply's causation id). The
    /// reply is taken only when it matches what was asked (<see cref="ReplyCheck"/>); otherwise the exchange fails with
    /// <see cref="ReplyMismatch"/> and a Critical alert. Each exchange is logged as an <see cref="AttemptRecord"/> and published.
    /// </summary>
    private async Task<Exchange> ExchangeAsync(string name, string queue, object command, int attempt, List<AttemptRecord> log)
    {
        var messageId = CheckoutMessageIds.For(_input.OrderId, name, attempt);
        var record = new AttemptRecord { Number = attempt, MessageId = messageId, StartedAt = Now, TraceId = TraceIdOf(_input.TraceParent) };
        log.Add(record);
        Publish();
        var exchange = await ExchangeOnceAsync(name, queue, command, messageId, record);
        record.FinishedAt = Now;
        record.DurationMs = (record.FinishedAt.Value - record.StartedAt).TotalMilliseconds;
        record.Outcome = exchange.Reply is not null ? AttemptRecord.Replied
            : exchange.FailureReason == Timeout ? AttemptRecord.TimedOut : AttemptRecord.Failed;
        record.Reason = StatusBudget.Clip(exchange.FailureDetail);
        return exchange;
    }

    private async Task<Exchange> ExchangeOnceAsync(string name, string queue, object command, string messageId, AttemptRecord record)
    {
        var send = new CheckoutCommand(messageId, queue, MessageCatalog.For(command.GetType()).Name,
            JsonSerializer.SerializeToElement(command, command.GetType(), MessageCatalog.JsonOptions),
            _input.OrderId, _lastCause, _input.TraceParent, _settings.Queues.Replies);
        try
        {
            await _ctx.CallStepAsync<string>(SendCheckoutCommand.Name, send,
                new StepRetryPolicy(Math.Max(1, _settings.SendAttempts), _settings.SendRetryInterval));
        }
        catch (StepFailedException ex)
        {
            _log.LogError("Checkout of order {OrderId}: sending {Step} failed: {Error}", _input.OrderId, name, ex.ErrorMessage);
            return new Exchange(null, StepFailed, $"send failed: {ex.ErrorMessage}");
        }

        var wait = _settings.ShareStepTimer
            ? await _ctx.WaitForEventSharingTimerAsync<Envelope>(messageId, _settings.StepTimeout)
            : await _ctx.WaitForEventAsync<Envelope>(messageId, _settings.StepTimeout);
        if (wait.TimedOut || wait.Payload is null)
        {
            _log.LogWarning("Checkout of order {OrderId}: no reply to {Step} within {Timeout}", _input.OrderId, name, _settings.StepTimeout);
            return new Exchange(null, Timeout, $"no reply within {_settings.StepTimeout}");
        }

        _lastCause = wait.Payload.Id;
        record.TraceId = TraceIdOf(wait.Payload.TraceParent) ?? record.TraceId;
        object reply;
        try
        {
            // The pipeline checked the reply against its schema before raising it (the only way a reply reaches a saga), and a
            // replay must decide as the first run did, so it is only deserialized here.
            reply = EnvelopeJson.ReadAcceptedData(wait.Payload);
        }
        catch (ContractViolationException ex)
        {
            // A contract drift (the payload no longer deserializes as its type), reported as the step failing.
            return new Exchange(null, StepFailed, $"unreadable reply: {ex.Reason}");
        }

        record.Reply = reply.GetType().Name;
        var mismatches = _check.Mismatches(command, reply);
        if (mismatches.Count == 0) return new Exchange(reply, null, null);
        var detail = $"{reply.GetType().Name} does not match {name}: {string.Join("; ", mismatches)}";
        _log.LogCritical(ReplyMismatchEvent, "ALERT checkout of order {OrderId}: reply {ReplyId} to {Step} refused: {Mismatch}",
            _input.OrderId, wait.Payload.Id, name, detail);
        return new Exchange(null, ReplyMismatch, detail);
    }

    // The payments edge's own retries inside one step attempt (a flaky provider), which the step's attempts do not count.
    private static string ProviderTries(int? attempts) => attempts > 1 ? $", after {attempts} provider attempts" : "";

    private void Succeeded(StepRecord record, string detail) => Finish(record, StepRecord.Succeeded, detail);

    private void Rejected(StepRecord record, string detail) => Finish(record, StepRecord.Rejected, detail);

    private void Finish(StepRecord record, string status, string detail)
    {
        if (record.Status == StepRecord.Running)
        {
            record.Status = status;
            record.Detail = StatusBudget.Clip(detail);
            record.FinishedAt = Now;
        }
        Publish();
    }

    /// <summary>The trace id of a W3C traceparent (<c>00-traceid-spanid-flags</c>), or null when there is none.</summary>
    private static string? TraceIdOf(string? traceParent) =>
        traceParent is { Length: >= 35 } && traceParent[2] == '-' && traceParent[35] == '-' ? traceParent[3..35] : null;

    private DateTimeOffset Now => new(DateTime.SpecifyKind(_ctx.CurrentUtcDateTime, DateTimeKind.Utc));

    /// <summary>Publishes the status, its attempt log trimmed to what Durable stores (<see cref="StatusBudget"/>).</summary>
    private void Publish()
    {
        StatusBudget.Fit(_status);
        _ctx.SetCustomStatus(_status);
        _measurements.Observe(_status);
    }

    private sealed record PendingCompensation(string Name, string ForStep, string Queue, object Command, string? Reference);

    /// <summary>A reply that matched what was asked, or why there is none (a reason code and a detail for the status).</summary>
    private readonly record struct Exchange(object? Reply, string? FailureReason, string? FailureDetail);

    private sealed record StepOutcome(StepRecord Record, object? Reply, string FailureReason);
}
