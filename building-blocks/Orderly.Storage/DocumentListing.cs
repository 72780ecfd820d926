using System.Text.RegularExpressions;

namespace Orderly.Storage;

/// <summary>
/// What <see cref="IDocumentStore.ListAsync"/> lists: the documents of one kind, across every partition or in one, whose
/// body fields equal the given strings, a page of at most <see cref="PageSize"/> at a time from <see cref="Continuation"/>.
/// </summary>
public sealed record DocumentListing
{
    /// <summary>The largest page a listing asks for (a Cosmos DB query page stays well under its 4 MB response limit).</summary>
    public const int MaxPageSize = 1000;

    /// <summary>A listing of <paramref name="kind"/>, <paramref name="pageSize"/> documents a page (1 to <see cref="MaxPageSize"/>).</summary>
    public DocumentListing(string kind, int pageSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        Kind = kind;
        PageSize = pageSize;
    }

    /// <summary>The document kind listed.</summary>
    public string Kind { get; }

    /// <summary>The most documents one page holds.</summary>
    public int PageSize { get; }

    /// <summary>Only this partition, when set (a single-partition query); else every partition.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>Top-level body fields that must equal these strings (all of them).</summary>
    public IReadOnlyList<BodyFieldEquals> Where { get; init; } = [];

    /// <summary>Where the previous page ended (its <see cref="DocumentPage.Continuation"/>), or null for the first page.</summary>
    public string? Continuation { get; init; }
}

/// <summary>A listing filter: the body's top-level <paramref name="Field"/> (a JSON name, letters and digits) is the string <paramref name="Value"/>.</summary>
public sealed partial record BodyFieldEquals
{
    public BodyFieldEquals(string field, string value)
    {
        // The name is written into the query text (Cosmos DB SQL cannot take a property name as a parameter), so only a plain name passes.
        if (field is null || !PlainName().IsMatch(field))
            throw new ArgumentException($"A body field to filter on is a plain JSON name (a letter, then letters or digits); '{field}' is not.", nameof(field));
        ArgumentNullException.ThrowIfNull(value);
        Field = field;
        Value = value;
    }

    public string Field { get; }

    public string Value { get; }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,63}$")]
    private static partial Regex PlainName();
}

/// <summary>
/// One page of a listing, in the store's own stable order. <see cref="Continuation"/> is null when nothing follows; a
/// continuation can still lead to an empty last page (Cosmos DB does not always know that the previous page was the last).
/// </summary>
public sealed record DocumentPage(IReadOnlyList<StoredDocument> Items, string? Continuation);
