using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orderly.Contracts;
using Orderly.Messaging;
using Orderly.Messaging.Tracing;
using Orderly.Outbox;
using Orderly.Resilience;
using Orderly.Storage;

namespace Orderly.ConsumerPipeline;

/// <summary>
/// Runs one received message through its handler and settles it: parse → trace → inbox check → handle → one atomic batch
/// (handler writes + outbox records + inbox record) → complete. Malformed messages are dead-lettered at once, permanent
/// failures too, transient ones retried with backoff until <see cref="ConsumerPipelineOptions.MaxDeliveryCount"/> (or deferred
/// to the time their failure names, without spending an attempt).
/// The settlement is the outcome: handler exceptions never escape.
/// </summary>
public sealed class ConsumerPipeline
{
    private readonly IServiceProvider _services;
    private readonly ConsumerPipelineOptions _options;
    private readonly RaceRetry _raceRetry;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Entity, string Type), Handler> _handlers = [];

    /// <summary>What handles one message type on one entity, and the logger its lines go to (its own category, so they name its context).</summary>
    private sealed record Handler(ConsumerBinding Binding, HandlerInvoker Invoker, ILogger Logger);

    public ConsumerPipeline(IServiceProvider services, IEnumerable<ConsumerBinding> bindings, IOptions<ConsumerPipelineOptions> options, ILogger<ConsumerPipeline> logger)
    {
        _services = services;
        _options = options.Value;
        _raceRetry = new RaceRetry(_options.MaxRaceRetries + 1, RaceRetry.Default.Backoff);
        _logger = logger;
        var loggers = services.GetService<ILoggerFactory>();
        foreach (var b in bindings)
        {
            if (!_handlers.TryAdd((b.Entity, b.Message.Name), new Handler(b, HandlerInvoker.For(b), loggers?.CreateLogger(b.HandlerType) ?? logger)))
                throw new InvalidOperationException($"Two handlers are registered for {b.Message.Name} on {b.Entity}.");
        }
    }

    /// <summary>Every entity some handler receives from (what a host starts consumers for).</summary>
    public IReadOnlyList<string> Entities => _handlers.Keys.Select(k => k.Entity).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Handles <paramref name="message"/> received on <paramref name="entity"/> and settles it; throws only when the settlement itself fails.</summary>
    public async Task ProcessAsync(string entity, ReceivedMessage message, IMessageSettlement settlement, CancellationToken ct)
    {
        Envelope envelope;
        try
        {
            envelope = EnvelopeJson.Parse(message.Body.Span);
        }
        catch (ContractViolationException violation)
        {
            await DeadLetterAsync(settlement, entity, message.MessageId, violation.Reason, violation.Description, ct).ConfigureAwait(false);
            return;
        }

        using var activity = OrderlyTelemetry.StartConsume(entity, envelope.Type, envelope.TraceParent);
        using var scope = _logger.BeginMessageScope(envelope, entity);
        object data;
        try
        {
            data = EnvelopeJson.ReadData(envelope);
        }
        catch (ContractViolationException violation)
        {
            await DeadLetterAsync(settlement, entity, envelope.Id, violation.Reason, violation.Description, ct).ConfigureAwait(false);
            return;
        }

        if (!_handlers.TryGetValue((entity, envelope.Type), out var handler))
        {
            if (IsSubscription(entity))
            {
                _logger.LogDebug(ConsumerPipelineLog.NotInterested, "Not interested in {MessageType} on {Entity}; completed", envelope.Type, entity);
                await SettleAsync(() => settlement.CompleteAsync(ct), "complete").ConfigureAwait(false);
            }
            else
            {
                await DeadLetterAsync(settlement, entity, envelope.Id, DeadLetterReasons.NoHandler, $"Nothing on {entity} handles {envelope.Type}.", ct).ConfigureAwait(false);
            }
            return;
        }

        Outcome outcome;
        try
        {
            outcome = await HandleRacingAsync(entity, envelope, data, handler, settlement, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // shutting down: leave the message locked; it comes back when the lock expires
        }
        catch (PermanentFailureException permanent)
        {
            await DeadLetterAsync(settlement, entity, envelope.Id, permanent.Reason, permanent.Description, ct).ConfigureAwait(false);
            return;
        }
        catch (ContractViolationException violation) // e.g. a reply to a command without reply-to
        {
            await DeadLetterAsync(settlement, entity, envelope.Id, violation.Reason, violation.Description, ct).ConfigureAwait(false);
            return;
        }
        catch (Exception transient)
        {
            await RetryOrGiveUpAsync(settlement, message, envelope, transient, ct).ConfigureAwait(false);
            return;
        }

        if (outcome.Duplicate)
            _logger.LogInformation(ConsumerPipelineLog.DuplicateDropped, "Duplicate {MessageType} {MessageId} dropped: already handled", envelope.Type, envelope.Id);
        else
            _logger.LogDebug(ConsumerPipelineLog.Handled, "Handled {MessageType} {MessageId}", envelope.Type, envelope.Id);
        if (outcome.CompletionFailure is { } lost)
            await SettleAsync(() => Task.FromException(lost), "complete").ConfigureAwait(false);
        else if (!outcome.Completed)
            await SettleAsync(() => settlement.CompleteAsync(ct), "complete").ConfigureAwait(false);
    }

    /// <summary>
    /// How handling went: a duplicate, or handled; <see cref="Completed"/> when the message was completed in the same commit as
    /// the handler's batch (<see cref="ICompletingStore"/>), with <see cref="CompletionFailure"/> if that complete found its lock lost.
    /// </summary>
    private sealed record Outcome(bool Duplicate, bool Completed = false, Exception? CompletionFailure = null)
    {
        public static readonly Outcome Handled = new(Duplicate: false);
        public static readonly Outcome AlreadyHandled = new(Duplicate: true);
    }

    /// <summary>
    /// Runs the handler; when its batch loses an optimistic-concurrency race (a stale ETag, or a create that someone else's
    /// create beat) it runs it again from fresh reads, as a redelivery would, by the one <see cref="RaceRetry"/> rule, up to
    /// <see cref="ConsumerPipelineOptions.MaxRaceRetries"/> times, before leaving it to the bus's redelivery with backoff.
    /// Each run is all-or-nothing (handler writes, outbox and inbox record in one batch), so a lost run leaves nothing behind.
    /// </summary>
    private Task<Outcome> HandleRacingAsync(string entity, Envelope envelope, object data, Handler handler, IMessageSettlement settlement,
        CancellationToken ct) =>
        _raceRetry.RunAsync($"the effects of {envelope.Type} {envelope.Id}", c => HandleOnceAsync(entity, envelope, data, handler, settlement, c), ct,
            (lost, _) => _logger.LogDebug(ConsumerPipelineLog.RaceLost, "{MessageType} {MessageId} lost a write race ({Error}); handling it again from fresh reads",
                envelope.Type, envelope.Id, lost.Message));

    /// <summary>
    /// The inbox check, the handler, and the one batch that commits its effects together with the inbox record (and, where the
    /// store and the bus share a database, the completion of the message and the writes the handler handed to it, such as the
    /// saga turn a reply wakes: one unit of work for the whole hop).
    /// </summary>
    private async Task<Outcome> HandleOnceAsync(string entity, Envelope envelope, object data, Handler handler, IMessageSettlement settlement,
        CancellationToken ct)
    {
        var binding = handler.Binding;
        using var handling = OrderlyTelemetry.StartHandler(binding.ContextName, envelope.Type, binding.HandlerType.Name);
        await using var scope = _services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var store = services.GetRequiredKeyedService<IDocumentStore>(binding.ContextName);
        var envelopes = services.GetRequiredKeyedService<EnvelopeFactory>(binding.ContextName);
        var (partitionKey, handle) = handler.Invoker.Prepare(services, data);
        var inboxId = InboxRecord.DocumentId(envelope.Id);

        if (await store.ReadAsync(partitionKey, inboxId, ct).ConfigureAwait(false) is not null)
            return Outcome.AlreadyHandled;

        var batch = new WriteBatch(partitionKey);
        var unit = store is ICompletingStore completing && completing.CanComplete(settlement) ? completing : null;
        var context = new MessageContext(envelope, store, batch, envelopes, handler.Logger) { Unit = unit };
        try
        {
            await handle(context, ct).ConfigureAwait(false);
            var now = envelopes.Time.GetUtcNow();
            foreach (var outgoing in context.Outgoing) batch.AddOutgoing(outgoing, now);
            batch.Create(inboxId, InboxRecord.Kind, new InboxRecord(envelope.Id, envelope.Type, entity, now), (int)_options.InboxTimeToLive.TotalSeconds);
        }
        catch (Exception error)
        {
            // Writes handed to a unit that will not run (a saga's turn) must hear so: their owner waits for the unit's outcome.
            foreach (var write in context.Carried) write.Failed(error);
            throw;
        }
        try
        {
            if (unit is not null)
            {
                var committed = await unit.CommitAndCompleteAsync(batch, settlement, context.Carried, ct).ConfigureAwait(false);
                return new Outcome(Duplicate: false, Completed: true, committed.CompletionFailure);
            }
            await store.CommitAsync(batch, ct).ConfigureAwait(false);
            return Outcome.Handled;
        }
        catch (DocumentConflictException)
        {
            // A concurrent copy of the message committed first: its effects stand. Any other conflict is a lost race, retried.
            if (await store.ReadAsync(partitionKey, inboxId, ct).ConfigureAwait(false) is not null) return Outcome.AlreadyHandled;
            throw;
        }
    }

    /// <summary>
    /// The one retry rule. A failure that says when to come back (<see cref="IRetryAfterHint"/>: an open circuit, a throttled
    /// store) is deferred: rescheduled for its hint, spread by the first backoff step, without spending a delivery attempt, up to
    /// <see cref="ConsumerPipelineOptions.MaxDeferrals"/> times. Any other failure, or a hint past that bound, spends an attempt:
    /// retried with exponential backoff (never sooner than its hint) until <see cref="ConsumerPipelineOptions.MaxDeliveryCount"/>,
    /// then dead-lettered.
    /// </summary>
    private async Task RetryOrGiveUpAsync(IMessageSettlement settlement, ReceivedMessage message, Envelope envelope, Exception error, CancellationToken ct)
    {
        var hint = (error as IRetryAfterHint)?.RetryAfter;
        if (hint is { } wait && message.Deferrals < _options.MaxDeferrals)
        {
            var until = (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) + _options.Backoff(1);
            _logger.LogInformation(ConsumerPipelineLog.RetryDeferred, error,
                "{MessageType} {MessageId} deferred for {DelayMs} ms as its failure asked ({Error}); attempt {Attempt} not spent (deferral {Deferral} of {MaxDeferrals})",
                envelope.Type, envelope.Id, (int)until.TotalMilliseconds, error.Message, message.Attempt, message.Deferrals + 1, _options.MaxDeferrals);
            await SettleAsync(() => settlement.RetryLaterAsync(until, spendsAttempt: false, ct), "defer").ConfigureAwait(false);
            return;
        }

        var attempt = message.Attempt;
        if (attempt >= _options.MaxDeliveryCount)
        {
            await DeadLetterAsync(settlement, message.Entity, envelope.Id, DeadLetterReasons.MaxDeliveryExceeded,
                $"Failed {attempt} attempts; last error {error.GetType().Name}: {error.Message}", ct).ConfigureAwait(false);
            return;
        }

        var delay = _options.Backoff(attempt);
        if (hint is { } retryAfter && retryAfter > delay) delay = retryAfter;
        _logger.LogWarning(ConsumerPipelineLog.RetryScheduled, error, "Attempt {Attempt} of {MessageType} {MessageId} failed; retrying in {DelayMs} ms",
            attempt, envelope.Type, envelope.Id, (int)delay.TotalMilliseconds);
        await SettleAsync(() => settlement.RetryLaterAsync(delay, spendsAttempt: true, ct), "retry").ConfigureAwait(false);
    }

    private async Task DeadLetterAsync(IMessageSettlement settlement, string entity, string messageId, string reason, string description, CancellationToken ct)
    {
        // Logged as well as sent: a dead-letter reason can fail to stick on Service Bus, the log line cannot.
        _logger.LogError(ConsumerPipelineLog.DeadLettered, "Dead-lettered message {MessageId} from {Entity}: {DeadLetterReason}: {DeadLetterDescription}",
            messageId, entity, reason, description);
        await SettleAsync(() => settlement.DeadLetterAsync(reason, description, ct), "dead-letter").ConfigureAwait(false);
    }

    private async Task SettleAsync(Func<Task> settle, string action)
    {
        try
        {
            await settle().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not swallowed: the caller (the broker's consumer loop) must know, and the message comes back when its lock expires.
            _logger.LogError(ConsumerPipelineLog.SettlementFailed, ex, "Settlement ({Settlement}) failed; the message will be redelivered", action);
            throw;
        }
    }

    private static bool IsSubscription(string entity) => entity.Contains("/subscriptions/", StringComparison.Ordinal);
}
