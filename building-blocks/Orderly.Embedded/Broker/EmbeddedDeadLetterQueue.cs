using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>
/// Dead-letter triage over the embedded broker's dead-letter sub-queues: list, show, resubmit (optionally edited, under a new
/// message id) and mark ignored. Nothing is deleted: a dead letter keeps its body and reason, and every change of status is
/// appended to its history.
/// </summary>
public sealed class EmbeddedDeadLetterQueue(EmbeddedBroker broker) : IDeadLetterQueue
{
    /// <summary>Application property of a resubmitted message: the id of the dead-lettered message it replaces.</summary>
    public const string OriginalMessageIdProperty = "orderly-original-message-id";

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

    /// <summary>Every status change of a dead letter, oldest first (empty for an unknown id).</summary>
    public Task<IReadOnlyList<DeadLetterChange>> HistoryAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeadLetterChange>>(broker.Database.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT at, status, note, resubmitted_as FROM broker_dead_letter_history WHERE dead_letter_id = $id ORDER BY rowid";
            cmd.Parameters.AddWithValue("$id", id);
            using var reader = cmd.ExecuteReader();
            var list = new List<DeadLetterChange>();
            while (reader.Read())
            {
                list.Add(new DeadLetterChange(EmbeddedBroker.FromTicks(reader.GetInt64(0)), Enum.Parse<DeadLetterStatus>(reader.GetString(1)),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
            return list;
        }));

    /// <summary>
    /// Sends the message again to the queue or subscription it was dead-lettered from (only there: a subscription's other
    /// consumers handled it already), in the same unit that marks it Resubmitted. A resubmitted dead letter cannot be resubmitted again.
    /// </summary>
    public Task<string> ResubmitAsync(string id, ReadOnlyMemory<byte>? editedBody = null, CancellationToken cancellationToken = default)
    {
        var newMessageId = Guid.CreateVersion7().ToString("N");
        var newBody = editedBody?.ToArray();
        return broker.Database.WriteAsync(scope =>
        {
            var letter = Find(scope.Connection, scope.Transaction, id) ?? throw NotFound(id);
            if (letter.Status == DeadLetterStatus.Resubmitted)
                throw new InvalidOperationException($"Dead letter '{id}' was already resubmitted as message '{letter.ResubmittedAsMessageId}'.");
            var properties = new Dictionary<string, string>(letter.Properties, StringComparer.Ordinal)
            {
                [OriginalMessageIdProperty] = letter.MessageId,
            };
            var now = broker.Now();
            broker.Enqueue(scope, letter.Entity, newMessageId, newBody ?? letter.Body.ToArray(), JsonSerializer.Serialize(properties), now);
            Record(scope, id, DeadLetterStatus.Resubmitted, letter.Note, newMessageId, now,
                editedBody is null ? "resubmitted" : "resubmitted with an edited body");
            return newMessageId;
        }, cancellationToken);
    }

    /// <summary>Marks the dead letter as looked at and deliberately left; the note says why. A resubmitted one stays resubmitted.</summary>
    public Task MarkIgnoredAsync(string id, string note, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        return broker.Database.WriteAsync(scope =>
        {
            var letter = Find(scope.Connection, scope.Transaction, id) ?? throw NotFound(id);
            if (letter.Status == DeadLetterStatus.Resubmitted)
                throw new InvalidOperationException($"Dead letter '{id}' was already resubmitted as message '{letter.ResubmittedAsMessageId}'.");
            Record(scope, id, DeadLetterStatus.Ignored, note, null, broker.Now(), note);
            return true;
        }, cancellationToken);
    }

    private static void Record(WriteScope scope, string id, DeadLetterStatus status, string? note, string? resubmittedAs, long now, string historyNote)
    {
        using var cmd = scope.Command("""
            UPDATE broker_dead_letters SET status = $status, note = $note, resubmitted_as = $as, updated_at = $now WHERE id = $id;
            INSERT INTO broker_dead_letter_history(dead_letter_id, at, status, note, resubmitted_as) VALUES ($id, $now, $status, $history, $as);
            """);
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$status", status.ToString());
        cmd.Parameters.AddWithValue("$note", (object?)note ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$as", (object?)resubmittedAs ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", now);
        cmd.Parameters.AddWithValue("$history", historyNote);
        cmd.ExecuteNonQuery();
    }

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

    private static KeyNotFoundException NotFound(string id) => new($"No dead letter with id '{id}'.");
}
