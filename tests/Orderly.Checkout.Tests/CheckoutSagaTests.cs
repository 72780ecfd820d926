using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orderly.Checkout.Saga;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using Orderly.Orchestrations;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

/// <summary>
/// Saga decisions only a scripted context can see (each wait, every status published on the way, the backoff between attempts).
/// Every path end to end is in <see cref="CheckoutScenarios"/>, on both runtimes.
/// </summary>
public sealed class CheckoutSagaTests
{
    private static async Task<(ScriptedSagaContext Context, CheckoutStatus Result)> Run(Func<string, CheckoutCommand, Answer?>? overrides = null,
        CheckoutSettings? settings = null, ILoggerFactory? loggers = null)
    {
        var context = new ScriptedSagaContext(Script(overrides), loggers: loggers);
        var result = await CheckoutSaga.RunAsync(context, Input(settings));
        return (context, result);
    }

    private static List<string> Kinds(ScriptedSagaContext c) => c.Sent.Select(KindOf).ToList();

    [Fact]
    public async Task Each_wait_is_for_the_event_named_by_its_commands_message_id_with_the_step_timeout()
    {
        var (ctx, _) = await Run();

        var waits = ctx.Actions.Where(a => a.Kind == "wait").ToList();
        Assert.Equal(ctx.Sent.Select(c => c.MessageId), waits.Select(w => w.Name));
        Assert.All(waits, w => Assert.Equal(TimeSpan.FromSeconds(30).ToString(), w.Input));
    }

    [Fact]
    public async Task Retries_inside_the_payments_edge_show_in_the_authorization_steps_detail()
    {
        var (_, flaky) = await Run((kind, c) => kind == nameof(AuthorizePayment)
            ? Answer.With(new PaymentAuthorized(OrderId, "pay-1", DataOf<AuthorizePayment>(c).Amount, ProviderAttempts: 3))
            : null);
        var (_, plain) = await Run((kind, c) => kind == nameof(AuthorizePayment)
            ? Answer.With(new PaymentAuthorized(OrderId, "pay-1", DataOf<AuthorizePayment>(c).Amount, ProviderAttempts: 1))
            : null);

        Assert.Equal("payment pay-1, after 3 provider attempts", flaky.Steps.Single(s => s.Name == "AuthorizePayment").Detail);
        Assert.Equal("payment pay-1", plain.Steps.Single(s => s.Name == "AuthorizePayment").Detail);
    }

    [Fact]
    public async Task A_compensation_is_tried_again_after_a_durable_backoff_that_doubles()
    {
        var (ctx, result) = await Run((kind, _) => kind switch
        {
            nameof(CreateShipment) => Answer.With(new ShipmentRejected(OrderId, "country-not-served")),
            nameof(VoidPayment) => Answer.Silence,
            _ => null,
        }, BaseServicesScript.Settings(compensationAttempts: 3));

        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], ctx.Delays); // CompensationBackoff 2 s, then doubled
        Assert.Equal(3, result.Compensations.Single(c => c.Name == "VoidPayment").Attempts);
    }

    [Fact]
    public async Task A_compensation_that_fails_once_is_retried_and_the_saga_ends_Compensated()
    {
        var (ctx, result) = await Run((kind, c) => kind switch
        {
            nameof(AuthorizePayment) => Answer.With(new PaymentDeclined(OrderId, "declined")),
            nameof(ReleaseStock) when c.MessageId.EndsWith("-1", StringComparison.Ordinal) => Answer.Silence,
            _ => null,
        });

        Assert.Equal(CheckoutStatus.Compensated, result.Status);
        Assert.Equal(2, result.Compensations[0].Attempts);
        Assert.Equal(2, ctx.Sent.Count(c => KindOf(c) == "ReleaseStock"));
    }

    [Fact]
    public async Task A_commit_that_never_answers_after_capture_is_not_compensated_but_needs_attention()
    {
        var (ctx, result) = await Run((kind, _) => kind == nameof(CommitStock) ? Answer.Silence : null);

        Assert.Equal(CheckoutStatus.Failed, result.Status);
        Assert.Equal(["CommitStock"], result.NeedsAttention);
        Assert.DoesNotContain(ctx.Sent, c => KindOf(c) is "VoidPayment" or "ReleaseStock" or "CancelOrder");
        Assert.Contains(ctx.Sent, c => KindOf(c) == "ConfirmOrder");
    }

    [Fact]
    public async Task A_saga_started_before_step_asks_existed_replays_with_one_ask_per_step()
    {
        // Its input, as it was journaled then: no stepAsks. It must replay as it ran (a timeout gave up at once), or the
        // replay would send a second ask where the journal holds the compensation.
        var json = JsonSerializer.SerializeToNode(Input(BaseServicesScript.Settings() with { StepAsks = 2 }), SagaRegistration.JsonOptions)!;
        json["settings"]!.AsObject().Remove("stepAsks");
        var old = json.Deserialize<CheckoutInput>(SagaRegistration.JsonOptions)!;
        var context = new ScriptedSagaContext(Script((kind, _) => kind == nameof(AuthorizePayment) ? Answer.Silence : null));

        var result = await CheckoutSaga.RunAsync(context, old);

        Assert.Equal(1, old.Settings.StepAsks);
        Assert.Equal("timeout", result.CancellationReason);
        Assert.Single(context.Sent, c => KindOf(c) == nameof(AuthorizePayment));
    }

    [Fact]
    public async Task New_sagas_share_one_step_timer_and_one_started_before_it_existed_replays_with_a_timer_per_wait()
    {
        // Its input as it was journaled then: no shareStepTimer. On Durable its history holds a timer per wait, so it must
        // replay with them; a saga started now shares one (a Durable timer cannot be taken back, each one costs when it fires).
        var current = Input(new CheckoutOptions().ToSettings());
        var json = JsonSerializer.SerializeToNode(current, SagaRegistration.JsonOptions)!;
        json["settings"]!.AsObject().Remove("shareStepTimer");
        var old = json.Deserialize<CheckoutInput>(SagaRegistration.JsonOptions)!;
        var before = new ScriptedSagaContext(Script());
        var now = new ScriptedSagaContext(Script());

        await CheckoutSaga.RunAsync(before, old);
        await CheckoutSaga.RunAsync(now, current);

        Assert.Equal(Enumerable.Repeat("wait", 6), before.Actions.Where(a => a.Kind.EndsWith("wait", StringComparison.Ordinal)).Select(a => a.Kind));
        Assert.Equal(Enumerable.Repeat("shared wait", 6), now.Actions.Where(a => a.Kind.EndsWith("wait", StringComparison.Ordinal)).Select(a => a.Kind));
    }

    [Fact]
    public async Task The_status_shows_the_current_step_while_it_runs()
    {
        var (ctx, _) = await Run();

        Assert.Contains(ctx.Statuses, s => s.Contains("\"currentStep\":\"AuthorizePayment\"", StringComparison.Ordinal)
                                           && s.Contains("\"status\":\"Running\"", StringComparison.Ordinal));
        Assert.Contains("\"status\":\"Completed\"", ctx.Statuses[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_ask_of_a_step_is_logged_with_its_times_outcome_reply_and_trace_id()
    {
        var (_, result) = await Run((kind, c) => kind switch
        {
            nameof(AuthorizePayment) when c.MessageId.EndsWith("-1", StringComparison.Ordinal) => Answer.Silence,
            nameof(AuthorizePayment) => Answer.With(new PaymentDeclined(OrderId, "declined")),
            _ => null,
        }, BaseServicesScript.Settings() with { StepAsks = 2 });

        var asks = result.Steps.Single(s => s.Name == "AuthorizePayment").AttemptLog;
        Assert.Equal([1, 2], asks.Select(a => a.Number));
        Assert.Equal([AttemptRecord.TimedOut, AttemptRecord.Replied], asks.Select(a => a.Outcome));
        Assert.Equal([null, "PaymentDeclined"], asks.Select(a => a.Reply));
        Assert.StartsWith("no reply within", asks[0].Reason, StringComparison.Ordinal);
        Assert.Null(asks[1].Reason);
        Assert.All(asks, a => Assert.Equal("0af7651916cd43dd8448eb211c80319c", a.TraceId));
        Assert.All(asks, a => Assert.Equal((a.FinishedAt!.Value - a.StartedAt).TotalMilliseconds, a.DurationMs));
        Assert.True(asks[1].StartedAt >= asks[0].FinishedAt);
        // The compensations it caused are logged the same way.
        var release = result.Compensations.Single(c => c.Name == "ReleaseStock").AttemptLog;
        Assert.Equal(AttemptRecord.Replied, Assert.Single(release).Outcome);
        Assert.Equal("StockReleased", release[0].Reply);
    }

    [Fact]
    public async Task A_compensation_retried_after_silence_logs_each_try()
    {
        var (_, result) = await Run((kind, c) => kind switch
        {
            nameof(AuthorizePayment) => Answer.With(new PaymentDeclined(OrderId, "declined")),
            nameof(ReleaseStock) when c.MessageId.EndsWith("-1", StringComparison.Ordinal) => Answer.Silence,
            _ => null,
        });

        var tries = result.Compensations[0].AttemptLog;
        Assert.Equal([AttemptRecord.TimedOut, AttemptRecord.Replied], tries.Select(a => a.Outcome));
        Assert.Equal(["checkout-order-1-release-stock-1", "checkout-order-1-release-stock-2"], tries.Select(a => a.MessageId));
    }

    /// <summary>A bus error as long and as escape-heavy as any: quotes and non-ASCII letters are six JSON characters each.</summary>
    private static readonly string LongError = string.Concat(Enumerable.Repeat("the bus said \"no\" \u2013 r\u00e9essayez ", 70));

    /// <summary>Every step asked 4 times, the capture never answering, then every compensation failing 8 times with a long error.</summary>
    private static Task<(ScriptedSagaContext Context, CheckoutStatus Result)> RunRetryStorm() =>
        Run((kind, c) => kind switch
        {
            nameof(ReserveStock) or nameof(AuthorizePayment) or nameof(CreateShipment) when !c.MessageId.EndsWith("-4", StringComparison.Ordinal) => Answer.Silence,
            nameof(AuthorizePayment) => Answer.With(new PaymentAuthorized(OrderId, new string('p', 128), DataOf<AuthorizePayment>(c).Amount)),
            nameof(CapturePayment) => Answer.Silence,
            nameof(CancelShipment) or nameof(VoidPayment) or nameof(ReleaseStock) or nameof(CancelOrder) => Answer.SendFailsWith(LongError),
            _ => null,
        }, BaseServicesScript.Settings(compensationAttempts: 8) with { StepAsks = 4 });

    [Fact]
    public async Task A_retry_storm_never_grows_the_status_past_Durables_16_KB_and_every_record_keeps_its_latest_attempt()
    {
        var (ctx, result) = await RunRetryStorm();

        // Durable's limit is 16 KB of UTF-16 JSON text; every status on the way stays within it, not only the last.
        Assert.All(ctx.Statuses, s => Assert.InRange(Encoding.Unicode.GetByteCount(s), 0, 16 * 1024));
        Assert.Equal(CheckoutStatus.Failed, result.Status);
        Assert.Equal(["CancelShipment", "VoidPayment", "ReleaseStock", "CancelOrder"], result.NeedsAttention);
        var records = result.Steps.Select(s => (s.Attempts, s.AttemptLog)).Concat(result.Compensations.Select(c => (c.Attempts, c.AttemptLog))).ToList();
        Assert.Equal(4 * 4 + 4 * 8, records.Sum(r => r.Attempts)); // every attempt counted...
        Assert.True(records.Sum(r => r.AttemptLog.Count) < records.Sum(r => r.Attempts)); // ...though not every one is shown
        Assert.All(records, r =>
        {
            Assert.Equal(r.Attempts, r.AttemptLog[^1].Number); // the latest, which decided the record, is always there
            Assert.Equal(r.AttemptLog.Select(a => a.Number).Order(), r.AttemptLog.Select(a => a.Number)); // and the numbers show the gaps
        });
        var voiding = result.Compensations.Single(c => c.Name == "VoidPayment");
        Assert.Equal(new string('p', 128), voiding.Reference);
        Assert.StartsWith("send failed: the bus said", voiding.Detail, StringComparison.Ordinal);
        Assert.EndsWith("...", voiding.Detail, StringComparison.Ordinal); // clipped
        Assert.Equal(voiding.Detail, voiding.AttemptLog[^1].Reason);
    }

    [Fact]
    public async Task The_budgets_size_is_never_below_the_JSON_a_runtime_stores()
    {
        var (storm, _) = await RunRetryStorm();
        var (happy, _) = await Run();

        Assert.All(storm.Statuses.Concat(happy.Statuses), json =>
            Assert.InRange(StatusBudget.Size(JsonSerializer.Deserialize<CheckoutStatus>(json, SagaRegistration.JsonOptions)!), json.Length, int.MaxValue));
    }
}
