using Orderly.Messaging;

namespace Orderly.Embedded.Broker;

/// <summary>How many messages a queue or subscription holds, and how many of its dead letters await triage.</summary>
public sealed record EntityDepth(string Entity, long Active, long DeadLettered);

/// <summary>The depths of every queue and subscription of the embedded broker, read in one pass (what Service Bus calls message counts).</summary>
public static class EntityDepths
{
    /// <summary>Every receiving entity of the topology, in its order, with its active messages and pending dead letters (0 when none).</summary>
    public static IReadOnlyList<EntityDepth> Read(EmbeddedBroker broker)
    {
        var (active, deadLettered) = broker.Database.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT entity, COUNT(*), 0 FROM broker_messages GROUP BY entity
                UNION ALL
                SELECT entity, 0, COUNT(*) FROM broker_dead_letters WHERE status = $pending GROUP BY entity
                """;
            cmd.Parameters.AddWithValue("$pending", nameof(DeadLetterStatus.Pending));
            using var reader = cmd.ExecuteReader();
            var activeBy = new Dictionary<string, long>(StringComparer.Ordinal);
            var deadBy = new Dictionary<string, long>(StringComparer.Ordinal);
            while (reader.Read())
            {
                var entity = reader.GetString(0);
                activeBy[entity] = activeBy.GetValueOrDefault(entity) + reader.GetInt64(1);
                deadBy[entity] = deadBy.GetValueOrDefault(entity) + reader.GetInt64(2);
            }
            return (activeBy, deadBy);
        });
        return broker.Topology.ReceiveEntities
            .Select(e => new EntityDepth(e, active.GetValueOrDefault(e), deadLettered.GetValueOrDefault(e)))
            .ToList();
    }
}
