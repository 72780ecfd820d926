using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orderly.Embedded.Store;
using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>
/// The Service Bus stand-in of embedded mode, on the shared <see cref="SqliteDatabase"/>: queues, topics fanning out to
/// subscriptions, peek-lock receive, scheduled and delayed delivery, max delivery count with dead-lettering, and duplicate
/// detection by message id. Every operation is one unit of the database's group commit, so it survives a restart once it returns.
/// One broker per database file: opening it releases the locks a previous process held.
/// </summary>
public sealed class EmbeddedBroker : IMessagePublisher, IMessageReceiver
{
    /// <summary>The dead-letter reason when a message has been delivered as often as its entity allows (as Service Bus names it).</summary>
    public const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";

    private readonly ConcurrentDictionary<string, EntitySignal> _signals = new(StringComparer.Ordinal);
    private long _lastDuplicateSweep;

    private EmbeddedBroker(SqliteDatabase database, EmbeddedBrokerTopology topology, TimeProvider time)
    {
        Database = database;
        Topology = topology;
        Time = time;
        Faults = new BrokerFaults(time);
    }

    public SqliteDatabase Database { get; }
    public EmbeddedBrokerTopology Topology { get; }
    public TimeProvider Time { get; }

    /// <summary>The fault-injection seams (pause, duplicate deliveries): shut unless the fault suite opens them.</summary>
    public BrokerFaults Faults { get; }

    /// <summary>
    /// Creates the broker tables if needed and makes messages locked by a previous process deliverable again (their consumer is
    /// gone; their delivery count already counts that attempt). <paramref name="topology"/> defaults to <see cref="EmbeddedBrokerTopology.FromDestinations"/>.
    /// </summary>
    public static async Task<EmbeddedBroker> OpenAsync(SqliteDatabase database, EmbeddedBrokerTopology? topology = null,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var broker = new EmbeddedBroker(database, topology ?? EmbeddedBrokerTopology.FromDestinations(), time ?? TimeProvider.System);
        await database.EnsureSchemaAsync(BrokerSchema.Ddl).ConfigureAwait(false);
        await database.WriteAsync(scope =>
        {
            BrokerSchema.Upgrade(scope);
            var now = broker.Now();
            using var release = scope.Command("""
                UPDATE broker_messages SET visible_at = $now, locked_until = $now, first_failed_at = COALESCE(first_failed_at, $now)
                WHERE lock_token IS NOT NULL AND locked_until > $now
                """);
            release.Parameters.AddWithValue("$now", now);
            return release.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        return broker;
    }

    /// <inheritdoc />
    public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        var wire = new BrokerMessage[messages.Count];
        for (var i = 0; i < wire.Length; i++) wire[i] = BrokerMessage.From(messages[i]);
        return SendAsync(wire, cancellationToken);
    }

    /// <summary>
    /// Sends raw messages (any bytes; the broker does not parse them) in one atomic unit. A message id already sent to the same
    /// queue or topic within its duplicate window is dropped. Returns how many were accepted.
    /// </summary>
    public Task<int> SendAsync(IReadOnlyList<BrokerMessage> messages, CancellationToken cancellationToken = default) =>
        SendAsync(messages, alsoInUnit: null, cancellationToken);

    /// <summary>Publishes <paramref name="messages"/> and runs <paramref name="alsoInUnit"/> in the same unit of work (the outbox's acknowledgement).</summary>
    internal Task<int> PublishAsync(IReadOnlyList<OutgoingMessage> messages, Action<WriteScope> alsoInUnit, CancellationToken cancellationToken)
    {
        var wire = new BrokerMessage[messages.Count];
        for (var i = 0; i < wire.Length; i++) wire[i] = BrokerMessage.From(messages[i]);
        return SendAsync(wire, alsoInUnit, cancellationToken);
    }

    /// <summary>
    /// Resolves and serializes <paramref name="messages"/> for a send that another unit of work carries (a saga's turn puts the
    /// commands it decided on the bus in the same commit as its journal): <see cref="BrokerSend.WriteIn"/> inserts them there,
    /// with the same duplicate detection as <see cref="SendAsync(IReadOnlyList{BrokerMessage}, CancellationToken)"/>.
    /// </summary>
    public BrokerSend PrepareSend(IReadOnlyList<OutgoingMessage> messages)
    {
        var wire = new BrokerMessage[messages.Count];
        for (var i = 0; i < wire.Length; i++) wire[i] = BrokerMessage.From(messages[i]);
        return new BrokerSend(this, Prepare(wire), BrokerTracing.StartSends(wire));
    }

    private Task<int> SendAsync(IReadOnlyList<BrokerMessage> messages, Action<WriteScope>? alsoInUnit, CancellationToken cancellationToken)
    {
        if (messages.Count == 0 && alsoInUnit is null) return Task.FromResult(0);
        var prepared = Prepare(messages);
        var spans = BrokerTracing.StartSends(messages);
        var write = Database.WriteAsync(scope =>
        {
            var accepted = Insert(scope, prepared);
            alsoInUnit?.Invoke(scope);
            return accepted;
        }, cancellationToken);
        return spans is null ? write : BrokerTracing.EndSendsAsync(write, spans);
    }

    /// <summary>
    /// Locks and returns up to <paramref name="maxMessages"/> visible messages of a queue or subscription, oldest first.
    /// A message already delivered as often as the entity allows is dead-lettered instead (<see cref="MaxDeliveryCountExceeded"/>).
    /// </summary>
    public async Task<IReadOnlyList<LockedMessage>> ReceiveAsync(string entity, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var settings = Topology.ReceiveSettings(entity);
        if (Faults.Pause.IsOpen) return [];
        var startedAt = Time.GetUtcNow();
        var (rows, token, lockedUntil) = await Database.WriteAsync(scope => Lock(scope, entity, settings, maxMessages), cancellationToken)
            .ConfigureAwait(false);
        // Built here, not in the single writer: parsing properties is per-message work the writer should not wait for.
        var locked = new LockedMessage[rows.Count];
        for (var i = 0; i < locked.Length; i++)
        {
            var row = rows[i];
            var received = new ReceivedMessage(row.MessageId, row.Body, entity, row.DeliveryCount + 1, FromTicks(row.EnqueuedAt),
                ReadProperties(row.PropertiesJson));
            locked[i] = new LockedMessage(received, new EmbeddedSettlement(this, entity, row.Sequence, row.MessageId, token), FromTicks(lockedUntil));
        }
        if (locked.Length > 0) BrokerTracing.Received(entity, locked, startedAt);
        return locked;
    }

    /// <summary>
    /// Waits without polling until a message of <paramref name="entity"/> may be receivable: a send to it commits, or its earliest
    /// scheduled, delayed or locked message becomes visible; at most <paramref name="maxWait"/>. True if something may be there.
    /// </summary>
    public async Task<bool> WaitForMessagesAsync(string entity, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        Topology.ReceiveSettings(entity);
        if (Faults.Pause.Remaining is var paused && paused > TimeSpan.Zero)
        {
            await Task.Delay(paused < maxWait ? paused : maxWait, Time, cancellationToken).ConfigureAwait(false);
            return false;
        }
        // Take the signal before looking, so a send committed between the look and the wait still wakes us.
        var signal = _signals.GetOrAdd(entity, _ => new EntitySignal()).Current;
        var next = NextVisibleAt(entity);
        var now = Now();
        if (next is { } n && n <= now) return true;
        var wait = maxWait;
        // Rounded up to a whole millisecond: timers tick in milliseconds, and a wait cut short wakes just before the message is
        // visible, then spins on sub-millisecond waits until it is.
        if (next is { } due && TimeSpan.FromTicks(due - now) < wait)
            wait = TimeSpan.FromMilliseconds(Math.Ceiling(TimeSpan.FromTicks(due - now).TotalMilliseconds));
        if (wait <= TimeSpan.Zero) return false;
        using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, Time, stopDelay.Token);
        var first = await Task.WhenAny(signal, delay).ConfigureAwait(false);
        await stopDelay.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == signal || (next is { } d && d <= Now());
    }

    /// <summary>Messages of a queue or subscription not yet completed or dead-lettered (visible, scheduled or locked).</summary>
    public long ActiveMessageCount(string entity)
    {
        Topology.ReceiveSettings(entity);
        return Database.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM broker_messages WHERE entity = $e";
            cmd.Parameters.AddWithValue("$e", entity);
            return (long)cmd.ExecuteScalar()!;
        });
    }

    /// <summary>
    /// Completes many received messages in one unit (one savepoint, one commit) instead of one per message. Those whose lock
    /// was lost stay where they are; if there are any, the first is reported as <see cref="MessageLockLostException"/> after the rest completed.
    /// </summary>
    public async Task CompleteAsync(IReadOnlyList<LockedMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0) return;
        var settlements = new EmbeddedSettlement[messages.Count];
        for (var i = 0; i < settlements.Length; i++) settlements[i] = Own(messages[i].Settlement);
        var duplicating = Faults.DuplicateDeliveries.IsOpen;
        var lost = await Database.WriteAsync(scope =>
        {
            EmbeddedSettlement? firstLost = null;
            foreach (var settlement in settlements)
            {
                if (!Complete(scope, settlement, duplicating)) firstLost ??= settlement;
            }
            return firstLost;
        }, cancellationToken).ConfigureAwait(false);
        if (lost is not null) throw new MessageLockLostException(lost.Entity, lost.MessageId);
    }

    internal Task CompleteOneAsync(EmbeddedSettlement settlement, CancellationToken cancellationToken)
    {
        var duplicating = Faults.DuplicateDeliveries.IsOpen;
        return Database.WriteAsync(scope => Complete(scope, settlement, duplicating)
            ? true
            : throw new MessageLockLostException(settlement.Entity, settlement.MessageId), cancellationToken);
    }

    /// <summary>
    /// Completes one message inside a unit already open on the writer (a settlement's own, or the unit that commits the
    /// handler's batch: see <see cref="Store.EmbeddedDocumentStore.CommitAndCompleteAsync"/>). False when the lock was lost.
    /// <paramref name="duplicating"/> is the duplicate-deliveries fault, read before the unit was queued.
    /// </summary>
    internal bool Complete(WriteScope scope, EmbeddedSettlement settlement, bool duplicating)
    {
        var now = Now();
        if (duplicating && Redeliver(scope, settlement, now)) return true;
        return scope.Prepared("DELETE FROM broker_messages WHERE seq = $s AND lock_token = $t AND locked_until > $now")
            .With("$s", settlement.Sequence).With("$t", settlement.LockToken).With("$now", now)
            .ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// The duplicate-deliveries fault: instead of completing, releases a message still under this lock that has been delivered
    /// fewer than <see cref="BrokerFaults.DeliveriesWanted"/> times, visible at once. True when it did.
    /// </summary>
    private bool Redeliver(WriteScope scope, EmbeddedSettlement settlement, long now)
    {
        using var release = scope.Command("""
            UPDATE broker_messages SET lock_token = NULL, locked_until = NULL, visible_at = $now
            WHERE seq = $s AND lock_token = $t AND locked_until > $now AND delivery_count < $wanted
            """);
        release.Parameters.AddWithValue("$s", settlement.Sequence);
        release.Parameters.AddWithValue("$t", settlement.LockToken);
        release.Parameters.AddWithValue("$now", now);
        release.Parameters.AddWithValue("$wanted", BrokerFaults.DeliveriesWanted(settlement.Sequence));
        if (release.ExecuteNonQuery() == 0) return false;
        scope.OnCommitted(() => Pulse(settlement.Entity));
        return true;
    }

    /// <summary>
    /// Releases the lock and hides the message until now + <paramref name="delay"/>; at the entity's max delivery count it is
    /// dead-lettered instead. A deferral (<paramref name="spendsAttempt"/> false) gives this delivery back (the count goes down
    /// by one) and adds one to the message's <see cref="ReceivedMessage.DeferralsProperty"/>; it never dead-letters.
    /// </summary>
    internal Task AbandonAsync(EmbeddedSettlement settlement, TimeSpan delay, bool spendsAttempt, CancellationToken cancellationToken)
    {
        var maxDeliveryCount = Topology.ReceiveSettings(settlement.Entity).MaxDeliveryCount;
        return Database.WriteAsync(scope =>
        {
            var now = Now();
            var deliveryCount = LockedDeliveryCount(scope, settlement, now);
            if (!spendsAttempt)
            {
                using var defer = scope.Command("""
                    UPDATE broker_messages SET lock_token = NULL, locked_until = NULL, visible_at = $visible,
                        delivery_count = MAX(delivery_count - 1, 0),
                        properties = json_set(properties, '$."orderly-deferrals"',
                            CAST(COALESCE(CAST(json_extract(properties, '$."orderly-deferrals"') AS INTEGER), 0) + 1 AS TEXT))
                    WHERE seq = $s
                    """);
                defer.Parameters.AddWithValue("$visible", now + Math.Max(0, delay.Ticks));
                defer.Parameters.AddWithValue("$s", settlement.Sequence);
                defer.ExecuteNonQuery();
                scope.OnCommitted(() => Pulse(settlement.Entity));
                return true;
            }
            if (deliveryCount >= maxDeliveryCount)
            {
                MoveToDeadLetters(scope, settlement.Sequence, MaxDeliveryCountExceeded,
                    $"delivered {deliveryCount} times; '{settlement.Entity}' allows {maxDeliveryCount}", now, now);
                return true;
            }
            using var release = scope.Command("""
                UPDATE broker_messages SET lock_token = NULL, locked_until = NULL, visible_at = $visible,
                    first_failed_at = COALESCE(first_failed_at, $now)
                WHERE seq = $s
                """);
            release.Parameters.AddWithValue("$visible", now + Math.Max(0, delay.Ticks));
            release.Parameters.AddWithValue("$now", now);
            release.Parameters.AddWithValue("$s", settlement.Sequence);
            release.ExecuteNonQuery();
            // Waiters computed their wake-up from the old visibility; let them look again.
            scope.OnCommitted(() => Pulse(settlement.Entity));
            return true;
        }, cancellationToken);
    }

    internal Task DeadLetterAsync(EmbeddedSettlement settlement, string reason, string description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return Database.WriteAsync(scope =>
        {
            var now = Now();
            LockedDeliveryCount(scope, settlement, now);
            MoveToDeadLetters(scope, settlement.Sequence, reason, description ?? "", now, now);
            return true;
        }, cancellationToken);
    }

    /// <summary>Puts a message straight onto a queue or subscription (dead-letter resubmission: one subscription, not the whole topic).</summary>
    internal void Enqueue(WriteScope scope, string entity, string messageId, byte[] body, string propertiesJson, long now)
    {
        scope.Prepared(InsertSql).With("$e", entity).With("$id", messageId).With("$body", body).With("$props", propertiesJson)
            .With("$now", now).With("$visible", now)
            .ExecuteNonQuery();
        scope.OnCommitted(() => Pulse(entity));
    }

    internal long Now() => Time.GetUtcNow().UtcTicks;

    internal static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    internal static Dictionary<string, string> ReadProperties(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    internal int Insert(WriteScope scope, PreparedSend[] messages)
    {
        var now = Now();
        SweepExpiredDuplicates(scope, now);
        var remember = scope.Prepared("""
            INSERT INTO broker_duplicates(entity, message_id, expires_at) VALUES ($d, $id, $expires)
            ON CONFLICT(entity, message_id) DO UPDATE SET expires_at = excluded.expires_at WHERE broker_duplicates.expires_at <= $now
            """);
        var insert = scope.Prepared(InsertSql);
        var woken = new HashSet<string>(StringComparer.Ordinal);
        var accepted = 0;
        foreach (var p in messages)
        {
            if (p.DuplicateWindow > TimeSpan.Zero)
            {
                remember.With("$d", p.Message.Destination).With("$id", p.Message.MessageId)
                    .With("$expires", now + p.DuplicateWindow.Ticks).With("$now", now);
                if (remember.ExecuteNonQuery() == 0) continue; // seen within the window: drop, as Service Bus does
            }
            accepted++;
            var visible = p.Message.ScheduledFor is { } at ? Math.Max(now, at.UtcTicks) : now;
            foreach (var target in p.Targets)
            {
                insert.With("$e", target).With("$id", p.Message.MessageId).With("$body", p.Body).With("$props", p.PropertiesJson)
                    .With("$now", now).With("$visible", visible)
                    .ExecuteNonQuery();
                woken.Add(target);
            }
        }
        if (woken.Count > 0) scope.OnCommitted(() => { foreach (var e in woken) Pulse(e); });
        return accepted;
    }

    // Resolve and serialize before entering the single writer, which must only do SQL.
    private PreparedSend[] Prepare(IReadOnlyList<BrokerMessage> messages)
    {
        var prepared = new PreparedSend[messages.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            var m = messages[i];
            ArgumentException.ThrowIfNullOrEmpty(m.MessageId, "MessageId");
            var (targets, window) = Topology.SendTargets(m.Destination, m.Properties.GetValueOrDefault(BrokerMessage.TypeProperty));
            prepared[i] = new PreparedSend(m, targets, window, JsonSerializer.Serialize(m.Properties), Faults.Sent(m.Destination, ToArray(m.Body)));
        }
        return prepared;
    }

    private const string InsertSql = """
        INSERT INTO broker_messages(entity, message_id, body, properties, enqueued_at, visible_at)
        VALUES ($e, $id, $body, $props, $now, $visible)
        """;

    // Runs on the writer only, so the field needs no synchronisation.
    private void SweepExpiredDuplicates(WriteScope scope, long now)
    {
        if (now - _lastDuplicateSweep < TimeSpan.TicksPerMinute) return;
        _lastDuplicateSweep = now;
        using var sweep = scope.Command("DELETE FROM broker_duplicates WHERE expires_at <= $now");
        sweep.Parameters.AddWithValue("$now", now);
        sweep.ExecuteNonQuery();
    }

    private (List<Row> Rows, string Token, long LockedUntil) Lock(WriteScope scope, string entity, EntitySettings settings, int maxMessages)
    {
        var now = Now();
        var lockedUntil = now + settings.LockDuration.Ticks;
        var token = Guid.NewGuid().ToString("N");
        var locked = new List<Row>(Math.Min(maxMessages, 256));
        var select = scope.Prepared("""
            SELECT seq, message_id, body, properties, enqueued_at, delivery_count, lock_token, locked_until
            FROM broker_messages WHERE entity = $e AND visible_at <= $now ORDER BY seq LIMIT $n
            """).With("$e", entity).With("$now", now);
        var update = scope.Prepared("""
            UPDATE broker_messages SET delivery_count = delivery_count + 1, lock_token = $t, locked_until = $until, visible_at = $until,
                first_failed_at = COALESCE(first_failed_at, CASE WHEN lock_token IS NOT NULL THEN locked_until END)
            WHERE seq = $s
            """).With("$t", token).With("$until", lockedUntil);

        while (locked.Count < maxMessages)
        {
            var wanted = maxMessages - locked.Count;
            select.With("$n", wanted);
            var rows = new List<Row>(Math.Min(wanted, 256));
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3),
                        reader.GetInt64(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetInt64(7)));
                }
            }
            var deadLettered = false;
            foreach (var row in rows)
            {
                if (row.DeliveryCount >= settings.MaxDeliveryCount)
                {
                    // Its last lock expired unsettled: that delivery failed too, and it was the last one allowed.
                    MoveToDeadLetters(scope, row.Sequence, MaxDeliveryCountExceeded,
                        $"delivered {row.DeliveryCount} times; '{entity}' allows {settings.MaxDeliveryCount}", row.ExpiredLockAt ?? now, now);
                    deadLettered = true;
                    continue;
                }
                update.With("$s", row.Sequence).ExecuteNonQuery();
                locked.Add(row);
            }
            // Only a dead-lettered row can leave room for more in this round.
            if (!deadLettered || rows.Count < wanted) break;
        }
        return (locked, token, lockedUntil);
    }

    /// <summary>The message's delivery count if the settlement still holds its lock; otherwise the lock is lost.</summary>
    private static int LockedDeliveryCount(WriteScope scope, EmbeddedSettlement settlement, long now)
    {
        using var check = scope.Command("SELECT delivery_count FROM broker_messages WHERE seq = $s AND lock_token = $t AND locked_until > $now");
        check.Parameters.AddWithValue("$s", settlement.Sequence);
        check.Parameters.AddWithValue("$t", settlement.LockToken);
        check.Parameters.AddWithValue("$now", now);
        return check.ExecuteScalar() is long count
            ? (int)count
            : throw new MessageLockLostException(settlement.Entity, settlement.MessageId);
    }

    private static void MoveToDeadLetters(WriteScope scope, long sequence, string reason, string description, long failedAt, long now)
    {
        var id = Guid.CreateVersion7().ToString("N");
        using var move = scope.Command("""
            INSERT INTO broker_dead_letters(id, entity, message_id, body, properties, reason, description, delivery_count, enqueued_at,
                first_failure_at, last_failure_at, status, updated_at)
            SELECT $id, entity, message_id, body, properties, $reason, $description, delivery_count, enqueued_at,
                MIN(COALESCE(first_failed_at, $failed), $failed), $failed, 'Pending', $now
            FROM broker_messages WHERE seq = $s;
            DELETE FROM broker_messages WHERE seq = $s;
            INSERT INTO broker_dead_letter_history(dead_letter_id, at, status, note, actor)
            VALUES ($id, $now, 'Pending', $reason || ': ' || $description, $actor);
            """);
        move.Parameters.AddWithValue("$actor", DeadLetterTriage.SystemActor);
        move.Parameters.AddWithValue("$id", id);
        move.Parameters.AddWithValue("$reason", reason);
        move.Parameters.AddWithValue("$description", description);
        move.Parameters.AddWithValue("$failed", failedAt);
        move.Parameters.AddWithValue("$now", now);
        move.Parameters.AddWithValue("$s", sequence);
        move.ExecuteNonQuery();
    }

    private long? NextVisibleAt(string entity) => Database.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT MIN(visible_at) FROM broker_messages WHERE entity = $e";
        cmd.Parameters.AddWithValue("$e", entity);
        return cmd.ExecuteScalar() is long next ? next : (long?)null;
    });

    private EmbeddedSettlement Own(IMessageSettlement settlement) =>
        settlement is EmbeddedSettlement own && ReferenceEquals(own.Broker, this)
            ? own
            : throw new ArgumentException("The message was not received from this broker.", nameof(settlement));

    private void Pulse(string entity)
    {
        if (_signals.TryGetValue(entity, out var signal)) signal.Pulse();
    }

    private static byte[] ToArray(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : body.ToArray();

    internal sealed record PreparedSend(BrokerMessage Message, IReadOnlyList<string> Targets, TimeSpan DuplicateWindow, string PropertiesJson, byte[] Body);

    private sealed record Row(long Sequence, string MessageId, byte[] Body, string PropertiesJson, long EnqueuedAt, int DeliveryCount, long? ExpiredLockAt);

    /// <summary>A wake-up for the receivers of one entity: each pulse completes the current task and starts a new one.</summary>
    private sealed class EntitySignal
    {
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Current => Volatile.Read(ref _current).Task;

        public void Pulse() =>
            Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
