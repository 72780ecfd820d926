using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orderly.ContractVerification.Tests;

/// <summary>A field a consumer relies on that a message does not satisfy.</summary>
public sealed record Violation(string Consumer, string Type, string Path, string Problem)
{
    public override string ToString() => $"consumer '{Consumer}' of {Type}: {Path} {Problem}";
}

/// <summary>
/// Checks a CloudEvents message (the whole envelope as JSON) against what a consumer declared it relies on. The rule
/// keywords are a small JSON-Schema-like set; an unknown keyword is an error, so no rule is silently skipped.
/// </summary>
public static class ExpectationVerifier
{
    private static readonly HashSet<string> Keywords =
        ["type", "minLength", "pattern", "format", "minimum", "exclusiveMinimum", "minItems", "equals", "optional"];

    public static IReadOnlyList<Violation> Verify(MessageExpectation expectation, JsonElement envelope)
    {
        var violations = new List<Violation>();
        void Add(string path, string problem) => violations.Add(new Violation(expectation.Consumer, expectation.Type, path, problem));

        if (!envelope.TryGetProperty("type", out var type) || type.GetString() != expectation.Type)
        {
            Add("type", $"is '{(envelope.TryGetProperty("type", out var t) ? t.ToString() : "missing")}', expected '{expectation.Type}'");
            return violations;
        }
        foreach (var field in expectation.Fields)
        {
            var found = Resolve(envelope, field.Path, out var missingAt);
            if (missingAt is not null)
            {
                if (!field.Optional) Add(field.Path, missingAt == field.Path ? "is missing" : $"is missing ({missingAt} is missing)");
                continue;
            }
            foreach (var (path, value) in found)
            foreach (var problem in Check(field, value, envelope))
                Add(field.Path, path == field.Path ? problem : $"{problem} (at {path})");
        }
        return violations;
    }

    /// <summary>Every value at <paramref name="path"/> (<c>a.b[].c</c>: c of each element of b), or where it stops existing.</summary>
    public static List<(string Path, JsonElement Value)> Resolve(JsonElement root, string path, out string? missingAt)
    {
        var current = new List<(string Path, JsonElement Value)> { ("", root) };
        missingAt = null;
        foreach (var segment in path.Split('.'))
        {
            var each = segment.EndsWith("[]", StringComparison.Ordinal);
            var name = each ? segment[..^2] : segment;
            var next = new List<(string, JsonElement)>();
            foreach (var (at, value) in current)
            {
                var here = at.Length == 0 ? name : $"{at}.{name}";
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out var child) || child.ValueKind == JsonValueKind.Null)
                {
                    missingAt = here;
                    return [];
                }
                if (!each) { next.Add((here, child)); continue; }
                if (child.ValueKind != JsonValueKind.Array) { missingAt = here + "[]"; return []; }
                var i = 0;
                foreach (var item in child.EnumerateArray()) next.Add(($"{here}[{i++}]", item));
            }
            current = next;
        }
        return current;
    }

    private static IEnumerable<string> Check(FieldRule field, JsonElement value, JsonElement envelope)
    {
        foreach (var rule in field.Rules.EnumerateObject())
        {
            if (!Keywords.Contains(rule.Name))
                throw new InvalidDataException($"{field.Path}: unknown rule keyword '{rule.Name}'");
        }
        var r = field.Rules;
        var type = r.GetProperty("type").GetString();
        if (!HasType(value, type!))
        {
            yield return $"is {Describe(value)}, expected {type}";
            yield break;
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            var s = value.GetString()!;
            if (r.TryGetProperty("minLength", out var min) && s.Length < min.GetInt32()) yield return $"is shorter than {min.GetInt32()}";
            if (r.TryGetProperty("pattern", out var p) && !Regex.IsMatch(s, p.GetString()!)) yield return $"'{s}' does not match {p.GetString()}";
            if (r.TryGetProperty("format", out var f))
            {
                if (f.GetString() != "date-time") throw new InvalidDataException($"{field.Path}: unknown format '{f.GetString()}'");
                if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)) yield return $"'{s}' is not a date-time";
            }
            if (r.TryGetProperty("equals", out var other))
            {
                var target = Resolve(envelope, other.GetString()!, out _);
                if (target.Count != 1 || target[0].Value.ValueKind != JsonValueKind.String || target[0].Value.GetString() != s)
                    yield return $"'{s}' does not equal {other.GetString()}";
            }
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            var n = value.GetDecimal();
            if (r.TryGetProperty("minimum", out var min) && n < min.GetDecimal()) yield return $"{n} is less than {min.GetDecimal()}";
            if (r.TryGetProperty("exclusiveMinimum", out var xmin) && n <= xmin.GetDecimal()) yield return $"{n} is not greater than {xmin.GetDecimal()}";
        }
        if (value.ValueKind == JsonValueKind.Array && r.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
            yield return $"has {value.GetArrayLength()} items, expected at least {minItems.GetInt32()}";
    }

    private static bool HasType(JsonElement v, string type) => type switch
    {
        "string" => v.ValueKind == JsonValueKind.String,
        "number" => v.ValueKind == JsonValueKind.Number,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => v.ValueKind == JsonValueKind.Array,
        "object" => v.ValueKind == JsonValueKind.Object,
        _ => throw new InvalidDataException($"unknown type '{type}'"),
    };

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => v.ValueKind.ToString().ToLowerInvariant(),
    };
}
