using System.Globalization;

namespace Orderly.Hosting.Http;

/// <summary>
/// The paging convention of every listing route: <c>?pageSize=</c> (1 to <see cref="MaxPageSize"/>, default
/// <see cref="DefaultPageSize"/>) and <c>?continuation=</c> (opaque, from the previous page); the answer is a <see cref="Page{T}"/>.
/// </summary>
public static class PageQuery
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>A continuation is the store's own (a Cosmos DB token, base64url-encoded, can run to a few kilobytes).</summary>
    public const int MaxContinuationLength = 8192;

    public const string PageSizeName = "pageSize";
    public const string ContinuationName = "continuation";

    /// <summary>The page size and continuation asked for; errors name the parameter.</summary>
    public static (int PageSize, string? Continuation) Read(string? pageSize, string? continuation, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var size = DefaultPageSize;
        if (pageSize is not null
            && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            errors.Add(PageSizeName, $"{PageSizeName} must be a whole number from 1 to {MaxPageSize}.");
            size = DefaultPageSize;
        }
        var token = QueryValue.Single(continuation, ContinuationName, MaxContinuationLength, errors, required: false);
        return (size, token);
    }

    /// <summary>The 400 for a continuation the store did not hand out (mangled, or from another listing's store).</summary>
    public static FieldErrors InvalidContinuation()
    {
        var errors = new FieldErrors();
        errors.Add(ContinuationName, $"{ContinuationName} is not one this listing handed out; leave it out to start from the first page.");
        return errors;
    }
}

/// <summary>
/// One page of a listing: its items, and the <c>continuation</c> to pass for the next page (null on the last page; a
/// continuation may still lead to an empty last page).
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Continuation);
