using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orderly.Messaging;

/// <summary>
/// A message body for people to read (a triage view, on any host), with every <c>paymentToken</c> string (at any depth, any letter case) masked to its
/// first <see cref="ShownCharacters"/> characters and '…' (<c>tok_visa_4242</c> → <c>tok_…</c>; four or fewer: only '…').
/// Masking is for the view only: a resubmit sends the body as stored, and an edited body in which a token was left as the view
/// showed it gets its real value back (<see cref="RestoreTokens"/>), so an operator never needs to know a token. A body that
/// is not readable JSON (malformed, a string that is not text, a property twice) is shown as the text it is, with the tokens
/// masked all the same.
/// </summary>
public static partial class MaskedBody
{
    public const int ShownCharacters = 4;
    private const string Mark = "…";
    private const string TokenProperty = "paymentToken";

    public static JsonNode? Of(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return Masked(json.RootElement, name: null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return JsonValue.Create(MaskText(Encoding.UTF8.GetString(body.Span)));
        }
    }

    public static string Mask(string token)
    {
        if (token.Length <= ShownCharacters) return Mark;
        // Never cut a surrogate pair in two: half of one cannot be written as JSON.
        var shown = char.IsHighSurrogate(token[ShownCharacters - 1]) ? ShownCharacters - 1 : ShownCharacters;
        return string.Concat(token.AsSpan(0, shown), Mark);
    }

    /// <summary>
    /// <paramref name="edited"/> with every <c>paymentToken</c> that still reads as the mask of the original's token at the same
    /// place (same JSON path) set back to that token; a token the operator did change is sent as written. The bytes are
    /// returned untouched when there is nothing to restore. <paramref name="edited"/> must be well-formed JSON (checked before).
    /// </summary>
    public static ReadOnlyMemory<byte> RestoreTokens(ReadOnlyMemory<byte> edited, ReadOnlyMemory<byte> original)
    {
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var json = JsonDocument.Parse(original);
            CollectTokens(json.RootElement, "$", null, tokens);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return edited; // a malformed original has no token to give back
        }
        if (tokens.Count == 0) return edited;
        var node = JsonNode.Parse(edited.Span);
        return RestoreTokens(node, "$", tokens) ? Encoding.UTF8.GetBytes(node!.ToJsonString()) : edited;
    }

    private static void CollectTokens(JsonElement element, string path, string? name, Dictionary<string, string> tokens)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject()) CollectTokens(p.Value, path + "." + p.Name, p.Name, tokens);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) CollectTokens(item, $"{path}[{i++}]", null, tokens);
                break;
            case JsonValueKind.String when IsToken(name):
                tokens[path] = element.GetString()!;
                break;
        }
    }

    private static bool RestoreTokens(JsonNode? node, string path, Dictionary<string, string> tokens)
    {
        var restored = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    var at = path + "." + name;
                    if (IsToken(name) && child is JsonValue value && value.TryGetValue<string>(out var shown)
                        && tokens.TryGetValue(at, out var real) && shown == Mask(real))
                    {
                        obj[name] = real;
                        restored = true;
                    }
                    else
                    {
                        restored |= RestoreTokens(child, at, tokens);
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) restored |= RestoreTokens(array[i], $"{path}[{i}]", tokens);
                break;
        }
        return restored;
    }

    private static bool IsToken(string? name) => string.Equals(name, TokenProperty, StringComparison.OrdinalIgnoreCase);

    /// <summary>Copies the element into nodes; strings are decoded here, so an unreadable one fails now and not while answering.</summary>
    private static JsonNode? Masked(JsonElement element, string? name)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var p in element.EnumerateObject()) obj.Add(p.Name, Masked(p.Value, p.Name)); // a property twice throws
                return obj;
            case JsonValueKind.Array:
                return new JsonArray(element.EnumerateArray().Select(item => Masked(item, null)).ToArray());
            case JsonValueKind.String:
                var text = element.GetString()!;
                return JsonValue.Create(IsToken(name) ? Mask(text) : text);
            case JsonValueKind.Null:
                return null;
            default:
                return JsonNode.Parse(element.GetRawText()); // a number or a boolean, as written
        }
    }

    private static string MaskText(string text) =>
        TokenInText().Replace(text, m => m.Groups["head"].Value + Mask(m.Groups["value"].Value) + "\"");

    // Linear time whatever the text: it is whatever landed in the dead-letter queue.
    [GeneratedRegex(@"(?<head>""paymentToken""\s*:\s*"")(?<value>(?:[^""\\]|\\.)*)""", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex TokenInText();
}
