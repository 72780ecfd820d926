using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>The broker's tables in the shared SQLite file (prefixed <c>broker_</c>; the document store has its own). Times are UTC ticks.</summary>
internal static class BrokerSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS broker_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            entity TEXT NOT NULL,
            message_id TEXT NOT NULL,
            body BLOB NOT NULL,
            properties TEXT NOT NULL,
            enqueued_at INTEGER NOT NULL,
            visible_at INTEGER NOT NULL,        -- scheduled time, retry time, or end of the current lock
            delivery_count INTEGER NOT NULL DEFAULT 0,
            lock_token TEXT NULL,
            locked_until INTEGER NULL,
            first_failed_at INTEGER NULL);
        -- Receive scans one entity in seq order and filters on visibility without touching the table rows.
        CREATE INDEX IF NOT EXISTS broker_messages_by_entity ON broker_messages(entity, seq, visible_at);

        CREATE TABLE IF NOT EXISTS broker_duplicates (
            entity TEXT NOT NULL,
            message_id TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (entity, message_id)) WITHOUT ROWID; -- swept by a scan once a minute: an expiry index would cost every send

        CREATE TABLE IF NOT EXISTS broker_dead_letters (
            id TEXT PRIMARY KEY,
            entity TEXT NOT NULL,
            message_id TEXT NOT NULL,
            body BLOB NOT NULL,
            properties TEXT NOT NULL,
            reason TEXT NOT NULL,
            description TEXT NOT NULL,
            delivery_count INTEGER NOT NULL,
            enqueued_at INTEGER NOT NULL,
            first_failure_at INTEGER NOT NULL,
            last_failure_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            note TEXT NULL,
            resubmitted_as TEXT NULL,
            updated_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS broker_dead_letters_by_entity ON broker_dead_letters(entity, status);

        -- The trail: every step of a dead letter, never changed or deleted: who (the caller's subject, or 'system' for the
        -- dead-lettering), when, the status it led to (Pending = dead-lettered), the note, and for a resubmit the body as it
        -- was and the edited body sent instead.
        CREATE TABLE IF NOT EXISTS broker_dead_letter_history (
            dead_letter_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            status TEXT NOT NULL,
            note TEXT NULL,
            resubmitted_as TEXT NULL,
            actor TEXT NOT NULL,
            original_body BLOB NULL,
            edited_body BLOB NULL);
        CREATE INDEX IF NOT EXISTS broker_dead_letter_history_by_id ON broker_dead_letter_history(dead_letter_id);
        """;

    /// <summary>
    /// Brings a file written before the trail up to date: adds the actor and body columns (the dead-lettering was the
    /// system's; who decided before is unknown). Idempotent, in the same unit as the rest of opening.
    /// </summary>
    public static void Upgrade(WriteScope scope)
    {
        using var columns = scope.Command("SELECT name FROM pragma_table_info('broker_dead_letter_history')");
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = columns.ExecuteReader())
        {
            while (reader.Read()) present.Add(reader.GetString(0));
        }
        if (present.Contains("actor")) return;
        using var upgrade = scope.Command("""
            ALTER TABLE broker_dead_letter_history ADD COLUMN actor TEXT NOT NULL DEFAULT 'unknown';
            ALTER TABLE broker_dead_letter_history ADD COLUMN original_body BLOB NULL;
            ALTER TABLE broker_dead_letter_history ADD COLUMN edited_body BLOB NULL;
            UPDATE broker_dead_letter_history SET actor = $system WHERE status = 'Pending';
            """);
        upgrade.Parameters.AddWithValue("$system", DeadLetterTriage.SystemActor);
        upgrade.ExecuteNonQuery();
    }
}
