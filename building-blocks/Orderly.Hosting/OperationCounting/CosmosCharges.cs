namespace Orderly.Hosting.OperationCounting;

/// <summary>
/// The request units Cosmos DB publishes per operation and item size (learn.microsoft.com/azure/cosmos-db/understand-request-unit-consumption,
/// "Document size" table: session or eventual consistency, default indexing). A size between two rows is charged the row above.
/// A query, a read of a missing item and the size of an item's system properties are not in that table: the assumptions are named here.
/// </summary>
public static class CosmosCharges
{
    // Item size in KB -> (point read RU, write RU), as published.
    private static readonly (int Kb, double Read, double Write)[] Table =
    [
        (1, 1.00, 4.95), (2, 1.04, 6.29), (4, 1.14, 6.67), (8, 1.33, 7.04), (16, 1.67, 9.52), (32, 2.19, 11.23),
        (64, 4.76, 22.67), (128, 9.95, 48.19), (256, 20.28, 98.29), (512, 40.95, 184.57), (1024, 145.90, 625.00), (2048, 291.80, 1250.00),
    ];

    /// <summary>
    /// The bytes Cosmos DB adds to every item (<c>_rid</c>, <c>_self</c>, <c>_etag</c>, <c>_attachments</c>, <c>_ts</c>): about 160
    /// (an assumption measured on items of this shape, not a published figure).
    /// </summary>
    public const int SystemPropertyBytes = 160;

    /// <summary>A single-partition query's charge before the items it returns (assumption: the ~2.3 RU a one-item query is charged in practice).</summary>
    public const double QueryBase = 2.3;

    /// <summary>A point read that finds nothing (404): charged as a 1 KB read (assumption).</summary>
    public const double ReadMiss = 1.0;

    /// <summary>The point-read charge of an item of <paramref name="bytes"/>.</summary>
    public static double Read(long bytes) => Row(bytes).Read;

    /// <summary>The charge of writing (create, replace, upsert, delete) an item of <paramref name="bytes"/>.</summary>
    public static double Write(long bytes) => Row(bytes).Write;

    /// <summary>The size of an item as Cosmos DB holds it: Orderly's <c>{ id, pk, kind, body, ttl? }</c> plus the system properties.</summary>
    public static long ItemBytes(string id, string partitionKey, string kind, int bodyBytes) =>
        // {"id":"","pk":"","kind":"","body":} is 33 characters; ids, keys and kinds are ASCII.
        33 + id.Length + partitionKey.Length + kind.Length + bodyBytes + SystemPropertyBytes;

    private static (int Kb, double Read, double Write) Row(long bytes)
    {
        foreach (var row in Table)
            if (bytes <= row.Kb * 1024L) return row;
        return Table[^1];
    }
}
