using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orderly.Contracts;

/// <summary>
/// Compiles JSON Schema (draft 2020-12) documents into validators, for the subset Orderly's contracts use:
/// type, required, properties, items, min/maxItems, min/maxLength, pattern, minimum, maximum, exclusiveMinimum,
/// const, enum, format date-time, $ref and $defs. Any other keyword makes compilation fail, so a schema can never
/// silently ask for a rule this validator does not check.
/// </summary>
public sealed class SchemaLibrary(Func<string, JsonDocument> loadDocument)
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description", "$comment", "examples", "$defs"];
    private static readonly HashSet<string> Supported =
    [
        "type", "required", "properties", "items", "minItems", "maxItems", "minLength", "maxLength", "pattern",
        "minimum", "maximum", "exclusiveMinimum", "const", "enum", "format", "$ref",
    ];

    private readonly Dictionary<string, JsonDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaNode> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The validator of a whole schema document.</summary>
    public SchemaNode Root(string file)
    {
        lock (_gate) return Resolve(file, "");
    }

    private SchemaNode Resolve(string file, string pointer)
    {
        var key = file + "#" + pointer;
        if (_nodes.TryGetValue(key, out var existing)) return existing;
        var node = new SchemaNode(key);
        _nodes[key] = node; // registered before compiling, so recursive $refs terminate
        node.Compile(Navigate(Document(file).RootElement, pointer, key), this, file);
        return node;
    }

    internal SchemaNode Reference(string currentFile, string reference)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var file = hash == 0 ? currentFile : hash < 0 ? reference : reference[..hash];
        var pointer = hash < 0 ? "" : reference[(hash + 1)..];
        return Resolve(file, pointer);
    }

    internal static void CheckKeywords(JsonElement schema, string where)
    {
        foreach (var p in schema.EnumerateObject())
        {
            if (!Supported.Contains(p.Name) && !Annotations.Contains(p.Name))
                throw new NotSupportedException($"Schema {where} uses keyword '{p.Name}', which Orderly's contract validator does not check.");
        }
    }

    private JsonDocument Document(string file)
    {
        if (!_documents.TryGetValue(file, out var doc))
            _documents[file] = doc = loadDocument(file);
        return doc;
    }

    private static JsonElement Navigate(JsonElement root, string pointer, string where)
    {
        var current = root;
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                throw new InvalidOperationException($"Schema reference {where} does not resolve.");
        }
        return current;
    }
}

/// <summary>One compiled schema: checks a JSON value and reports each error with the path of the field.</summary>
public sealed class SchemaNode
{
    private readonly string _where;
    private string[]? _types;
    private string[]? _required;
    private (string Name, SchemaNode Schema)[]? _properties;
    private SchemaNode? _items;
    private SchemaNode? _ref;
    private int? _minItems, _maxItems, _minLength, _maxLength;
    private decimal? _minimum, _maximum, _exclusiveMinimum;
    private Regex? _pattern;
    private JsonElement? _const;
    private JsonElement[]? _enum;
    private bool _dateTime;

    internal SchemaNode(string where) => _where = where;

    internal void Compile(JsonElement s, SchemaLibrary library, string file)
    {
        if (s.ValueKind != JsonValueKind.Object)
            throw new InvalidOperationException($"Schema {_where} is not an object.");
        SchemaLibrary.CheckKeywords(s, _where);
        foreach (var p in s.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "type":
                    _types = v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(t => t.GetString()!).ToArray() : [v.GetString()!];
                    break;
                case "required": _required = v.EnumerateArray().Select(r => r.GetString()!).ToArray(); break;
                case "properties":
                    _properties = v.EnumerateObject().Select(x => (x.Name, Inline(x.Value, library, file, $"{_where}/properties/{x.Name}"))).ToArray();
                    break;
                case "items": _items = Inline(v, library, file, _where + "/items"); break;
                case "minItems": _minItems = v.GetInt32(); break;
                case "maxItems": _maxItems = v.GetInt32(); break;
                case "minLength": _minLength = v.GetInt32(); break;
                case "maxLength": _maxLength = v.GetInt32(); break;
                case "minimum": _minimum = v.GetDecimal(); break;
                case "maximum": _maximum = v.GetDecimal(); break;
                case "exclusiveMinimum": _exclusiveMinimum = v.GetDecimal(); break;
                case "pattern": _pattern = new Regex(v.GetString()!, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)); break;
                case "const": _const = v.Clone(); break;
                case "enum": _enum = v.EnumerateArray().Select(e => e.Clone()).ToArray(); break;
                case "format":
                    _dateTime = v.GetString() == "date-time"
                        ? true
                        : throw new NotSupportedException($"Schema {_where} uses format '{v.GetString()}'; only date-time is checked.");
                    break;
                case "$ref": _ref = library.Reference(file, v.GetString()!); break;
            }
        }
    }

    private SchemaNode Inline(JsonElement s, SchemaLibrary library, string file, string where)
    {
        var node = new SchemaNode(where);
        node.Compile(s, library, file);
        return node;
    }

    /// <summary>Appends to <paramref name="errors"/> every way <paramref name="value"/> breaks this schema.</summary>
    public void Validate(JsonElement value, string path, List<string> errors)
    {
        _ref?.Validate(value, path, errors);
        var at = path.Length == 0 ? "(root)" : path;

        if (_types is not null && !_types.Any(t => HasType(value, t)))
        {
            errors.Add($"{at}: must be {string.Join(" or ", _types)}");
            return; // the other keywords would only repeat the type error
        }
        if (_const is { } c && !JsonElement.DeepEquals(c, value))
            errors.Add($"{at}: must be {c.GetRawText()}");
        if (_enum is not null && !_enum.Any(e => JsonElement.DeepEquals(e, value)))
            errors.Add($"{at}: must be one of {string.Join(", ", _enum.Select(e => e.GetRawText()))}");

        switch (value.ValueKind)
        {
            case JsonValueKind.Object: ValidateObject(value, path, at, errors); break;
            case JsonValueKind.Array: ValidateArray(value, path, at, errors); break;
            case JsonValueKind.String: ValidateString(value.GetString()!, at, errors); break;
            case JsonValueKind.Number: ValidateNumber(value, at, errors); break;
        }
    }

    private void ValidateObject(JsonElement value, string path, string at, List<string> errors)
    {
        if (_required is not null)
        {
            foreach (var name in _required)
            {
                if (!value.TryGetProperty(name, out _))
                    errors.Add($"{Join(path, name)}: is required");
            }
        }
        if (_properties is null) return;
        foreach (var (name, schema) in _properties)
        {
            if (value.TryGetProperty(name, out var child))
                schema.Validate(child, Join(path, name), errors);
        }
        _ = at;
    }

    private void ValidateArray(JsonElement value, string path, string at, List<string> errors)
    {
        var count = value.GetArrayLength();
        if (count < _minItems) errors.Add($"{at}: must have at least {_minItems} items");
        if (count > _maxItems) errors.Add($"{at}: must have at most {_maxItems} items");
        if (_items is null) return;
        var i = 0;
        foreach (var item in value.EnumerateArray())
            _items.Validate(item, $"{path}[{i++}]", errors);
    }

    private void ValidateString(string s, string at, List<string> errors)
    {
        if (s.Length < _minLength) errors.Add($"{at}: must be at least {_minLength} characters");
        if (s.Length > _maxLength) errors.Add($"{at}: must be at most {_maxLength} characters");
        if (_pattern is not null && !_pattern.IsMatch(s)) errors.Add($"{at}: must match {_pattern}");
        if (_dateTime && !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
            errors.Add($"{at}: must be an RFC 3339 date-time");
    }

    private void ValidateNumber(JsonElement value, string at, List<string> errors)
    {
        if (!value.TryGetDecimal(out var n)) { errors.Add($"{at}: is out of range"); return; }
        if (n < _minimum) errors.Add($"{at}: must be >= {_minimum}");
        if (n > _maximum) errors.Add($"{at}: must be <= {_maximum}");
        if (n <= _exclusiveMinimum) errors.Add($"{at}: must be > {_exclusiveMinimum}");
    }

    private static bool HasType(JsonElement v, string type) => type switch
    {
        "object" => v.ValueKind == JsonValueKind.Object,
        "array" => v.ValueKind == JsonValueKind.Array,
        "string" => v.ValueKind == JsonValueKind.String,
        "number" => v.ValueKind == JsonValueKind.Number,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) && decimal.Truncate(d) == d,
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => v.ValueKind == JsonValueKind.Null,
        _ => throw new NotSupportedException($"JSON Schema type '{type}' is not known."),
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
