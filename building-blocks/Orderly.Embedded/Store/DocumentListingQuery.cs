using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Orderly.Storage;

namespace Orderly.Embedded.Store;

/// <summary>
/// A listing as SQL: keyset paging in primary-key order (partition, then id), so a page is a range walk of the table's key
/// with no sort and no offset, and the continuation is the last key read, base64url-encoded JSON. A filter on
/// <c>status</c> walks <c>documents_by_status</c> instead (in the same order); any other field is checked row by row.
/// </summary>
internal static class DocumentListingQuery
{
    private const string Select = "SELECT partition_key, id, kind, body, etag FROM documents WHERE container = $container AND kind = $kind AND "
        + DocumentTable.Listable + " AND " + DocumentTable.Live;

    /// <summary>The statement for the listing's shape (its text depends only on which filters are set, so few statements are prepared).</summary>
    public static string SqlFor(DocumentListing listing)
    {
        var sql = new StringBuilder(Select);
        if (listing.PartitionKey is not null) sql.Append(" AND partition_key = $pk");
        for (var i = 0; i < listing.Where.Count; i++)
            sql.Append(" AND json_extract(body, '$.").Append(listing.Where[i].Field).Append("') = $where").Append(i);
        // Within one partition the key goes on by id alone: SQLite walks a row-value range past the partition's end and sorts.
        if (listing.Continuation is not null) sql.Append(listing.PartitionKey is null ? " AND (partition_key, id) > ($afterpk, $afterid)" : " AND id > $afterid");
        // One more than the page: when it comes back, another page follows, so the last page never hands out a continuation.
        return sql.Append(" ORDER BY partition_key, id LIMIT $limit").ToString();
    }

    /// <summary>The continuation after <paramref name="last"/>.</summary>
    public static string ContinuationAfter(StoredDocument last)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new[] { last.PartitionKey, last.Id });
        return Base64Url.EncodeToString(json);
    }

    /// <summary>
    /// The key a continuation of <paramref name="listing"/> resumes after; throws <see cref="InvalidContinuationException"/>
    /// for anything this store did not write for it (a listing of one partition only hands out keys of that partition).
    /// </summary>
    public static (string PartitionKey, string Id) ResumeAfter(string continuation, DocumentListing listing)
    {
        try
        {
            var key = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(continuation));
            if (key is [{ } pk, { } id] && (listing.PartitionKey is null || listing.PartitionKey == pk)) return (pk, id);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw Invalid(ex);
        }
        throw Invalid(null);
    }

    private static InvalidContinuationException Invalid(Exception? inner) =>
        new("The continuation is not one this store handed out; list again from the first page.", inner);
}
