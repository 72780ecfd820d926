using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>
/// Dead-letter triage over the embedded broker's dead-letter sub-queues: list, show, resubmit (optionally edited, under a new
/// message id) and mark ignored. Nothing is deleted: a dead letter keeps its body and reason, and every decision is appended
/// to its trail in the same unit that makes it, with the <see cref="DeadLetterTriage"/> rules checked there too.
/// </summary>
public sealed class EmbeddedDeadLetterQueue(EmbeddedBroker broker) : IDeadLetterQueue
{
    private const string Columns = """
        id, entity, message_id, body, properties, reason, description, delivery_count, first_failure_at, last_failure_at,
        status, note, resubmitted_as
        """;

    public Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(string? entity = null, DeadLetterStatus? status = null,
        CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeadLetteredMessage>>(broker.Database.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"""
                SELECT {Columns} FROM broker_dead_letters
                WHERE ($entity IS NULL OR entity = $entity) AND ($status IS NULL OR status = $status)
                ORDER BY rowid
                """;
            cmd.Parameters.AddWithValue("$entity", (object?)entity ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$status", status is { } s ? s.ToString() : DBNull.Value);
            using var reader = cmd.ExecuteReader();
            var list = new List<DeadLetteredMessage>();
            while (reader.Read()) list.Add(Read(reader));
            return list;
        }));

    public Task<DeadLetteredMessage?> ShowAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(broker.Database.Read(c => Find(c, null, id)));

    public Task<IReadOnlyList<DeadLetterTrailEntry>> TrailAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeadLetterTrailEntry>>(broker.Database.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT at, status, actor, note, resubmitted_as, original_body, edited_body
                FROM broker_dead_letter_history WHERE dead_letter_id = $id ORDER BY rowid
                """;
            cmd.Parameters.AddWithValue("$id", id);
            using var reader = cmd.ExecuteReader();
            var trail = new List<DeadLetterTrailEntry>();
            while (reader.Read())
            {
                trail.Add(new DeadLetterTrailEntry(
                    EmbeddedBroker.FromTicks(reader.GetInt64(0)),
                    ActionOf(Enum.Parse<DeadLetterStatus>(reader.GetString(1))),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    Blob(reader, 5),
                    Blob(reader, 6)));
            }
            return trail;
        }));

    /// <summary>
    /// Sends the message again to the queue or subscription it was dead-lettered from (only there: a subscription's other
    /// consumers handled it already), in the same unit that marks it Resubmitted and appends the trail entry.
    /// </summary>
    public async Task<string> ResubmitAsync(string id, string actor, ReadOnlyMemory<byte>? editedBody = null, string? note = null,
        CancellationToken cancellationToken = default)
    {
        DeadLetterTriage.EnsureDecision(actor, note, noteRequired: false);
        // The edit is checked against the original body before the single writer (which must only do SQL); that body never changes.
        var before = await ShowAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new DeadLetterNotFoundException(id);
        DeadLetterTriage.EnsureEdit(before, editedBody);
        var newMessageId = Guid.CreateVersion7().ToString("N");
        var edited = editedBody?.ToArray();
        return await broker.Database.WriteAsync(scope =>
        {
            var letter = Find(scope.Connection, scope.Transaction, id) ?? throw new DeadLetterNotFoundException(id);
            DeadLetterTriage.EnsureCanResubmit(letter);
            var properties = new Dictionary<string, string>(letter.Properties, StringComparer.Ordinal)
            {
                [DeadLetterTriage.OriginalMessageIdProperty] = letter.MessageId,
            };
            properties.Remove(ReceivedMessage.DeferralsProperty); // a resubmitted message starts with its deferrals unspent, as with its attempts
            var now = broker.Now();
            var original = letter.Body.ToArray();
            broker.Enqueue(scope, letter.Entity, newMessageId, edited ?? original, JsonSerializer.Serialize(properties), now);
            Record(scope, id, now, DeadLetterStatus.Resubmitted, actor, note, newMessageId, original, edited);
            return newMessageId;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task MarkIgnoredAsync(string id, string actor, string note, CancellationToken cancellationToken = default)
    {
        DeadLetterTriage.EnsureDecision(actor, note, noteRequired: true);
        return broker.Database.WriteAsync(scope =>
        {
            var letter = Find(scope.Connection, scope.Transaction, id) ?? throw new DeadLetterNotFoundException(id);
            DeadLetterTriage.EnsureCanIgnore(letter);
            Record(scope, id, broker.Now(), DeadLetterStatus.Ignored, actor, note, null, null, null);
            return true;
        }, cancellationToken);
    }

    private static void Record(WriteScope scope, string id, long now, DeadLetterStatus status, string actor, string? note,
        string? resubmittedAs, byte[]? originalBody, byte[]? editedBody)
    {
        using var cmd = scope.Command("""
            UPDATE broker_dead_letters SET status = $status, note = $note, resubmitted_as = $as, updated_at = $now WHERE id = $id;
            INSERT INTO broker_dead_letter_history(dead_letter_id, at, status, note, resubmitted_as, actor, original_body, edited_body)
            VALUES ($id, $now, $status, $note, $as, $actor, $original, $edited);
            """);
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$now", now);
        cmd.Parameters.AddWithValue("$status", status.ToString());
        cmd.Parameters.AddWithValue("$actor", actor);
        cmd.Parameters.AddWithValue("$note", (object?)note ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$as", (object?)resubmittedAs ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$original", (object?)originalBody ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$edited", (object?)editedBody ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// A nullable body column. Careful: in <c>c ? null : memory</c> the null converts through byte[] into an EMPTY, non-null memory.
    /// </summary>
    private static ReadOnlyMemory<byte>? Blob(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? default(ReadOnlyMemory<byte>?) : reader.GetFieldValue<byte[]>(column);

    /// <summary>The trail stores the status each step led to; the step's action follows from it.</summary>
    private static DeadLetterAction ActionOf(DeadLetterStatus status) => status switch
    {
        DeadLetterStatus.Pending => DeadLetterAction.DeadLettered,
        DeadLetterStatus.Resubmitted => DeadLetterAction.Resubmitted,
        DeadLetterStatus.Ignored => DeadLetterAction.Ignored,
        _ => throw new InvalidOperationException($"Unknown dead-letter status '{status}' in the trail."),
    };

    private static DeadLetteredMessage? Find(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"SELECT {Columns} FROM broker_dead_letters WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static DeadLetteredMessage Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<byte[]>(3), EmbeddedBroker.ReadProperties(r.GetString(4)),
        r.GetString(5), r.GetString(6), r.GetInt32(7), EmbeddedBroker.FromTicks(r.GetInt64(8)), EmbeddedBroker.FromTicks(r.GetInt64(9)),
        Enum.Parse<DeadLetterStatus>(r.GetString(10)), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12));
}
