using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Json.Pointer;
using Json.Schema;
using Json.Schema.Keywords;

namespace Orderly.Contracts;

/// <summary>
/// A set of JSON Schema (draft 2020-12) documents, each built once by JsonSchema.Net and reused for every message.
/// <c>$ref</c>s between the documents resolve through the set's own registry by <c>$id</c>; nothing is fetched.
/// Building refuses a schema that asks for a rule no validator checks (an unknown keyword, e.g. a typo, or an unknown
/// format) or a <c>$ref</c> that does not resolve, so no rule is silently skipped.
/// </summary>
internal sealed class ContractSchemaSet
{
    // Most messages are valid: a pass/fail evaluation is the cheap one. Only a failure is evaluated again for its errors.
    // Formats are assertions (date-time is a rule of the contract, not a hint); messages don't depend on the host's culture.
    private static readonly EvaluationOptions Check = new()
    {
        OutputFormat = OutputFormat.Flag,
        RequireFormatValidation = true,
        Culture = CultureInfo.InvariantCulture,
    };

    private static readonly EvaluationOptions Explain = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
        Culture = CultureInfo.InvariantCulture,
    };

    // The base of a document without $id; Orderly's schemas all carry theirs (https://orderly.example/schemas/<file>).
    private static readonly Uri DefaultBase = new("https://orderly.example/schemas/");

    private readonly FrozenDictionary<string, JsonSchema> _byFile;

    // The same schemas with their $refs inlined (InlinedSchemas): the pass/fail check runs on these (a fifth fewer bytes
    // allocated per message, `messages` benchmark); a failure is explained by the schemas as written.
    private readonly FrozenDictionary<string, JsonSchema> _checkByFile;

    private ContractSchemaSet(FrozenDictionary<string, JsonSchema> byFile, FrozenDictionary<string, JsonSchema> checkByFile)
    {
        _byFile = byFile;
        _checkByFile = checkByFile;
    }

    /// <summary>Builds every schema of <paramref name="texts"/> (file name to JSON text); throws naming the first that is unusable.</summary>
    public static ContractSchemaSet Build(IReadOnlyDictionary<string, string> texts)
    {
        var (byFile, registry) = BuildAll(texts);
        foreach (var (file, schema) in byFile)
            RefuseUncheckedRules(file, schema.Root, registry, new HashSet<JsonSchemaNode>(ReferenceEqualityComparer.Instance));
        return new ContractSchemaSet(byFile, BuildAll(InlinedSchemas.From(texts, DefaultBase)).ByFile);
    }

    private static (FrozenDictionary<string, JsonSchema> ByFile, SchemaRegistry Registry) BuildAll(IReadOnlyDictionary<string, string> texts)
    {
        var registry = new SchemaRegistry { Fetch = static (_, _) => null }; // every document is in the set
        var options = new BuildOptions { SchemaRegistry = registry, Dialect = Dialect.Draft202012 };
        var byFile = texts.ToFrozenDictionary(
            t => t.Key,
            t => JsonSchema.FromText(t.Value, options, new Uri(DefaultBase, t.Key)),
            StringComparer.Ordinal);
        return (byFile, registry);
    }

    /// <summary>
    /// Every way <paramref name="instance"/> breaks the schema of <paramref name="file"/>, each as
    /// <c>path: message</c> with the path in the fields' own terms (<c>items[0].quantity</c>, <c>(root)</c>); empty when valid.
    /// </summary>
    public IReadOnlyList<string> Validate(string file, JsonElement instance)
    {
        if (Passes(file, instance)) return [];

        var results = _byFile[file].Evaluate(instance, Explain);
        if (results.IsValid) return []; // the schemas as written have the last word
        var errors = new List<string>();
        IEnumerable<EvaluationResults> nodes = [results, .. results.Details ?? []]; // list output: the failing nodes under one
        foreach (var node in nodes)
        {
            if (node.Errors is null) continue;
            var at = PathOf(node.InstanceLocation, instance);
            foreach (var message in node.Errors.Values)
                errors.Add($"{at}: {message}");
        }
        return errors;
    }

    /// <summary>The pass/fail check alone (on the inlined schemas): whether <paramref name="instance"/> keeps every rule of <paramref name="file"/>.</summary>
    internal bool Passes(string file, JsonElement instance) =>
        _checkByFile.TryGetValue(file, out var schema)
            ? schema.Evaluate(instance, Check).IsValid
            : throw new FileNotFoundException($"No contract schema '{file}' is embedded in Orderly.Contracts.", file);

    private static void RefuseUncheckedRules(string file, JsonSchemaNode node, SchemaRegistry registry, HashSet<JsonSchemaNode> seen)
    {
        if (!seen.Add(node)) return;
        foreach (var keyword in node.Keywords)
        {
            switch (keyword.Handler)
            {
                case AnnotationKeyword: // what JsonSchema.Net makes of a keyword its dialect does not know
                    throw new NotSupportedException($"Schema {file} uses keyword '{keyword.Value}', which JSON Schema 2020-12 does not define: nothing would check it.");
                case Json.Schema.Keywords.Draft06.FormatKeyword or FormatKeyword
                    when keyword.RawValue.GetString() is { } format && FormatRegistry.Global.Get(format) is UnknownFormat:
                    throw new NotSupportedException($"Schema {file} uses format '{format}', which the validator does not know: nothing would check it.");
                case RefKeyword when keyword.Value is Uri target && !Resolves(target, registry):
                    throw new InvalidOperationException($"Schema {file}: $ref '{keyword.RawValue.GetString()}' ({target}) does not resolve.");
            }
            foreach (var subschema in keyword.Subschemas)
                RefuseUncheckedRules(file, subschema, registry, seen);
        }
    }

    private static bool Resolves(Uri target, SchemaRegistry registry)
    {
        if (registry.Get(new Uri(target.GetLeftPart(UriPartial.Query))) is not JsonSchema document) return false;
        var fragment = Uri.UnescapeDataString(target.Fragment.TrimStart('#'));
        return fragment.Length == 0
            || (JsonPointer.TryParse(fragment, out var pointer) && pointer.Evaluate(document.Root.Source) is not null);
    }

    /// <summary>A JSON pointer into <paramref name="instance"/> written as the fields' path: <c>/items/0/sku</c> is <c>items[0].sku</c>.</summary>
    private static string PathOf(JsonPointer location, JsonElement instance)
    {
        if (location.SegmentCount == 0) return "(root)";
        var path = new StringBuilder();
        var current = instance;
        for (var i = 0; i < location.SegmentCount; i++)
        {
            var segment = location[i];
            if (current.ValueKind == JsonValueKind.Array && segment.ToInt() is { } index)
            {
                path.Append(CultureInfo.InvariantCulture, $"[{index}]");
                current = index < current.GetArrayLength() ? current[index] : default;
                continue;
            }
            var name = segment.ToString().Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (path.Length > 0) path.Append('.');
            path.Append(name);
            current = current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out var child) ? child : default;
        }
        return path.ToString();
    }
}
