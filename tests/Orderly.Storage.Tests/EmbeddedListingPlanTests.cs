using Microsoft.Data.Sqlite;
using Orderly.Embedded;
using Orderly.Embedded.Store;

namespace Orderly.Storage.Tests;

/// <summary>
/// The plan SQLite chooses for each listing the shop asks for (<c>EXPLAIN QUERY PLAN</c> of the very statement the store
/// prepares): every one walks an index in page order, from the continuation on, so a page costs its rows however many
/// documents the file holds; none scans the table or sorts.
/// </summary>
public sealed class EmbeddedListingPlanTests(EmbeddedDatabaseFixture fixture) : IClassFixture<EmbeddedDatabaseFixture>
{
    public static TheoryData<string, string?, string?, bool, string> Listings => new()
    {
        // The operators' order search: by status across customers, by customer, both; each also from a continuation.
        { "order-summary", null, "Confirmed", false, "USING INDEX documents_by_status (container=? AND kind=? AND <expr>=?)" },
        { "order-summary", null, "Confirmed", true, "USING INDEX documents_by_status (container=? AND kind=? AND <expr>=? AND (partition_key,id)>(?,?))" },
        { "order-summary", "customer-ada", null, false, "(container=? AND partition_key=?)" },
        { "order-summary", "customer-ada", null, true, "(container=? AND partition_key=? AND id>?)" },
        { "order-summary", "customer-ada", "Pending", true, "USING INDEX documents_by_status (container=? AND kind=? AND <expr>=? AND partition_key=? AND id>?)" },
        { "order-summary", "customer-ada", "Pending", false, "USING INDEX documents_by_status (container=? AND kind=? AND <expr>=? AND partition_key=?)" },
        // The product list: every product, in key order.
        { "product", null, null, true, "(container=? AND (partition_key,id)>(?,?))" },
    };

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task Each_listing_walks_an_index_in_page_order(string kind, string? partition, string? status, bool resumed, string expected)
    {
        await fixture.Store.CreateAsync("p-1", Guid.NewGuid().ToString("N"), kind, new DocumentStoreContract.Tracked("Confirmed", 1)); // the schema exists
        var listing = new DocumentListing(kind, 50)
        {
            PartitionKey = partition,
            Where = status is null ? [] : [new BodyFieldEquals("status", status)],
            Continuation = resumed ? DocumentListingQuery.ContinuationAfter(new StoredDocument("d-0", "p-0", kind, default, "e")) : null,
        };

        var plan = Plan(fixture.Database, DocumentListingQuery.SqlFor(listing));

        var step = Assert.Single(plan);
        Assert.StartsWith("SEARCH documents USING ", step, StringComparison.Ordinal);
        Assert.Contains(expected, step, StringComparison.Ordinal);
        Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    private static readonly string[] Parameters = ["$container", "$kind", "$now", "$pk", "$afterpk", "$afterid", "$limit", "$where0"];

    private static List<string> Plan(SqliteDatabase database, string sql) => database.Read(connection =>
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in Parameters)
            if (sql.Contains(name, StringComparison.Ordinal)) cmd.Parameters.AddWithValue(name, "x");
        using var reader = cmd.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read()) steps.Add(reader.GetString(3));
        return steps;
    });
}
