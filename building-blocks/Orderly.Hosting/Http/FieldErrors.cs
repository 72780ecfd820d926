using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orderly.Hosting.Http;

/// <summary>The bad fields of one request, keyed by field path (<c>items[0].sku</c>), answered all at once as a 400.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public bool Any => _byField.Count > 0;

    public void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var list)) _byField[field] = list = [];
        list.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _byField.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>400 problem+json with an <c>errors</c> member naming every bad field.</summary>
    public ValidationProblem ToProblem(string title = "The request has invalid fields.") => TypedResults.ValidationProblem(ToDictionary(), title: title);
}
