using System.Text.Json.Nodes;

namespace Orderly.Contracts;

/// <summary>
/// The contract schemas with every <c>{"$ref": ...}</c> replaced by the subschema it points at: the same rules, checked
/// with fewer subschema evaluations (JsonSchema.Net pays a scope change and a result per <c>$ref</c>, on every message).
/// </summary>
/// <remarks>
/// Only a subschema that is nothing but a <c>$ref</c> to a JSON-pointer target is replaced, and only when the target
/// declares no <c>$id</c>, anchor or dynamic reference (whose meaning depends on where they stand); any other <c>$ref</c>
/// stays, written absolute so it still resolves from its new place. A reference cycle stays a <c>$ref</c>.
/// </remarks>
internal static class InlinedSchemas
{
    // Keywords whose values are data, not subschemas: a {"$ref": ...} inside them is not a reference.
    private static readonly HashSet<string> DataKeywords = new(StringComparer.Ordinal) { "const", "enum", "default", "examples" };

    private static readonly string[] PlaceBoundKeywords = ["$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveAnchor", "$recursiveRef"];

    /// <summary>Every schema of <paramref name="texts"/> (file name to JSON text, ids under <paramref name="defaultBase"/>) with its references inlined.</summary>
    public static Dictionary<string, string> From(IReadOnlyDictionary<string, string> texts, Uri defaultBase)
    {
        var documents = new Dictionary<Uri, JsonNode>();
        var bases = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (file, text) in texts)
        {
            var root = JsonNode.Parse(text) ?? throw new InvalidOperationException($"Schema {file} is empty.");
            var id = root is JsonObject o && o["$id"] is JsonValue v && v.TryGetValue<string>(out var s) ? new Uri(new Uri(defaultBase, file), s) : new Uri(defaultBase, file);
            documents[WithoutFragment(id)] = root;
            bases[file] = WithoutFragment(id);
        }
        return texts.Keys.ToDictionary(f => f, f => Inline(documents[bases[f]], bases[f], documents, [])!.ToJsonString(), StringComparer.Ordinal);
    }

    private static JsonNode? Inline(JsonNode? node, Uri documentBase, Dictionary<Uri, JsonNode> documents, HashSet<Uri> expanding)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 1 && o["$ref"] is JsonValue r && r.TryGetValue<string>(out var reference):
            {
                var target = new Uri(documentBase, reference);
                if (Resolve(target, documents) is not { } found || PlaceBound(found) || !expanding.Add(target))
                    return new JsonObject { ["$ref"] = target.AbsoluteUri };
                var inlined = Inline(found, WithoutFragment(target), documents, expanding);
                expanding.Remove(target);
                return inlined;
            }
            case JsonObject o:
            {
                var copy = new JsonObject();
                foreach (var (name, value) in o)
                    copy[name] = DataKeywords.Contains(name) ? value?.DeepClone()
                        : name == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var s) ? new Uri(documentBase, s).AbsoluteUri
                        : Inline(value, documentBase, documents, expanding);
                return copy;
            }
            case JsonArray a:
                return new JsonArray(a.Select(item => Inline(item, documentBase, documents, expanding)).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>The subschema a reference points at by JSON pointer; null for an anchor or a target outside the set.</summary>
    private static JsonNode? Resolve(Uri target, Dictionary<Uri, JsonNode> documents)
    {
        if (!documents.TryGetValue(WithoutFragment(target), out var node)) return null;
        var fragment = Uri.UnescapeDataString(target.Fragment.TrimStart('#'));
        if (fragment.Length > 0 && fragment[0] != '/') return null;
        foreach (var segment in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(name, out var child) => child,
                JsonArray a when int.TryParse(name, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>Whether a place-bound keyword stands anywhere in <paramref name="node"/> (then it keeps its place).</summary>
    private static bool PlaceBound(JsonNode? node) => node switch
    {
        JsonObject o => o.Any(kv => PlaceBoundKeywords.Contains(kv.Key) || (!DataKeywords.Contains(kv.Key) && PlaceBound(kv.Value))),
        JsonArray a => a.Any(PlaceBound),
        _ => false,
    };

    private static Uri WithoutFragment(Uri uri) => new(uri.GetLeftPart(UriPartial.Query));
}
