using System.Text.Json;

namespace Orderly.Hosting.Http;

/// <summary>
/// Reads typed fields out of a JSON body, collecting every bad field in <see cref="Errors"/> (keyed by its path) instead of
/// stopping at the first. Names match exactly; a JSON <c>null</c> counts as absent; every number is range-checked here, so
/// no endpoint ever does arithmetic on an unchecked value.
/// </summary>
public sealed class FieldReader
{
    public FieldErrors Errors { get; } = new();

    /// <summary>A string of 1 to <paramref name="maxLength"/> characters, not only white space, without control characters.</summary>
    public string? Text(JsonElement parent, string name, int maxLength, string? path = null, bool required = true)
    {
        path ??= name;
        if (!Present(parent, name, path, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) return Bad<string>(path, $"{name} must be a string.");
        var text = value.GetString()!; // JsonBody refused undecodable strings
        if (string.IsNullOrWhiteSpace(text) || text.Length > maxLength)
            return Bad<string>(path, $"{name} must be 1 to {maxLength} characters and not blank.");
        if (text.Any(char.IsControl)) return Bad<string>(path, $"{name} must not contain control characters.");
        return text;
    }

    /// <summary>A string that <paramref name="isValid"/> accepts; <paramref name="rule"/> says what is accepted.</summary>
    public string? Code(JsonElement parent, string name, Func<string, bool> isValid, string rule, string? path = null, bool required = true)
    {
        path ??= name;
        if (!Present(parent, name, path, required, out var value)) return null;
        return value.ValueKind == JsonValueKind.String && value.GetString() is { } text && isValid(text) ? text : Bad<string>(path, rule);
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public int? Int(JsonElement parent, string name, int min, int max, string? path = null, bool required = true)
    {
        path ??= name;
        if (!Present(parent, name, path, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min && n <= max) return n;
        Errors.Add(path, $"{name} must be a whole number from {min} to {max}.");
        return null;
    }

    /// <summary>A decimal number greater than <paramref name="above"/> and at most <paramref name="max"/>.</summary>
    public decimal? Decimal(JsonElement parent, string name, decimal above, decimal max, string? path = null, bool required = true)
    {
        path ??= name;
        if (!Present(parent, name, path, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d > above && d <= max) return d;
        Errors.Add(path, $"{name} must be a number greater than {above} and at most {max}.");
        return null;
    }

    /// <summary>A JSON object.</summary>
    public JsonElement? Object(JsonElement parent, string name, string shape, string? path = null, bool required = true)
    {
        path ??= name;
        if (!Present(parent, name, path, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Object) return value;
        Errors.Add(path, $"{name} must be an object {shape}.");
        return null;
    }

    /// <summary>A JSON array of <paramref name="minItems"/> to <paramref name="maxItems"/> items.</summary>
    public JsonElement? Array(JsonElement parent, string name, int minItems, int maxItems, string shape, string? path = null, bool required = true)
    {
        path ??= name;
        if (!Present(parent, name, path, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            Errors.Add(path, $"{name} must be an array of {shape}.");
            return null;
        }
        var count = value.GetArrayLength();
        if (count >= minItems && count <= maxItems) return value;
        Errors.Add(path, $"{name} must have {minItems} to {maxItems} items; it has {count}.");
        return null;
    }

    /// <summary>An array of strings, each one <paramref name="isValid"/> accepts.</summary>
    public IReadOnlyList<string>? Codes(JsonElement parent, string name, int maxItems, Func<string, bool> isValid, string rule, string? path = null, bool required = true)
    {
        path ??= name;
        if (Array(parent, name, required ? 1 : 0, maxItems, "strings", path, required) is not { } items) return null;
        var codes = new List<string>();
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { } text && isValid(text)) codes.Add(text);
            else Errors.Add(at, rule);
        }
        return codes.Count == i ? codes : null;
    }

    private bool Present(JsonElement parent, string name, string path, bool required, out JsonElement value)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        value = default;
        if (required) Errors.Add(path, $"{name} is required.");
        return false;
    }

    private T? Bad<T>(string path, string message) where T : class
    {
        Errors.Add(path, message);
        return null;
    }
}
