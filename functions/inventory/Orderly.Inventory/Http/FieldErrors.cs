using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Orderly.Inventory.Http;

/// <summary>The bad fields of one request, keyed by field path, reported all at once as a 400 validation problem.</summary>
public sealed partial class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public IResult ToResult() =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: "The request has invalid fields.");

    /// <summary>Sku rule (ORDERLY.md): 1–64 letters, digits, '-' and '_'.</summary>
    public static bool IsSku(string? value) => value is not null && SkuPattern().IsMatch(value);

    /// <summary>Reads the body as a JSON object; anything else (not JSON, an array, a number) is a bad <c>body</c>.</summary>
    public static async Task<JsonElement?> ReadObjectAsync(HttpRequest request, FieldErrors errors, CancellationToken ct)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc.RootElement.Clone();
            errors.Add("body", "The body must be a JSON object.");
        }
        catch (JsonException)
        {
            errors.Add("body", "The body is not valid JSON.");
        }
        return null;
    }

    /// <summary>A property looked up case-insensitively (camelCase is what we write, but a client's PascalCase is accepted).</summary>
    public static JsonElement? Property(JsonElement obj, string name)
    {
        foreach (var p in obj.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SkuPattern();
}
