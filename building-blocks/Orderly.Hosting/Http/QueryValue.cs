using System.Globalization;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace Orderly.Hosting.Http;

/// <summary>
/// One query parameter, read by the same rule on every route: absent, or 1 to its length of visible text (no control or
/// invisible format characters, and no U+FFFD, which is what the URL decoder makes of bytes that were not UTF-8). Given but
/// blank is an error, not "absent". The query string as a whole is checked once, before any endpoint, by <see cref="WholeQueryProblem"/>.
/// </summary>
public static class QueryValue
{
    /// <summary>The parameter's value; or null, with the reason in <paramref name="errors"/> unless it is absent and optional.</summary>
    public static string? Single(string? value, string name, int maxLength, FieldErrors errors, bool required = true)
    {
        if (value is null)
        {
            if (required) errors.Add(name, $"{name} is required: 1 to {maxLength} characters, not blank.");
            return null;
        }
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength || !value.All(IsVisible))
        {
            errors.Add(name, $"{name} must be 1 to {maxLength} characters, not blank, without control or invisible characters.");
            return null;
        }
        return value;
    }

    /// <summary>
    /// What is wrong with the query string as a whole, or null: a parameter given twice (ASP.NET Core would join the values
    /// with commas) or a percent-escape that is not UTF-8 (the decoder would leave it as literal text, "%C3(").
    /// </summary>
    public static FieldErrors? WholeQueryProblem(HttpRequest request)
    {
        var errors = new FieldErrors();
        foreach (var (name, values) in request.Query)
            if (values.Count > 1) errors.Add(name, $"{name} may be given once.");
        if (request.QueryString.Value is { Length: > 0 } raw && !IsUtf8(raw))
            errors.Add("query", "The query string has percent-escapes that are not UTF-8.");
        return errors.Any ? errors : null;
    }

    private static bool IsUtf8(string raw)
    {
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && byte.TryParse(raw.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (raw[i] < 0x80) bytes.Add((byte)raw[i]);
            else return false; // a raw non-ASCII character cannot stand in a request target
        }
        return Utf8.IsValid(bytes.ToArray());
    }

    private static bool IsVisible(char c) =>
        c != '\uFFFD' && CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate);
}
