using System.Text;
using System.Text.Json.Nodes;

namespace Orderly.EndToEnd.Tests;

/// <summary>One request the fuzz test sends, and why it must be refused.</summary>
public sealed record FuzzRequest(string Method, string Url, byte[]? Body, string? ContentType, string Why)
{
    /// <summary>Headers to add (a bad Idempotency-Key, a broken token).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Who sends it: a role of the operation, or null to send the <see cref="Headers"/>' own Authorization.</summary>
    public string? Role { get; init; }

    public override string ToString() => $"{Method} {Url} ({Why})";
}

/// <summary>The ids the shop holds, so that a mutated request reaches real state and not just a 404.</summary>
public sealed record FuzzTargets(string Sku, string OrderId, string CustomerId, string DeadLetterId, JsonObject DeadLetterEnvelope);

/// <summary>
/// Requests that are invalid by construction, made from an operation of the OpenAPI documents and a valid request for it:
/// each one breaks exactly the rules that make it invalid (a required field removed, a field of the wrong type or out of
/// range, unreadable text, a broken path or query, the wrong media type, a bad header), so none of them may be accepted.
/// </summary>
public static class FuzzRequests
{
    private const string Placeholder = "@@fuzz@@";

    /// <summary>Every single mutation of the operation, then random combinations of body mutations up to <paramref name="combined"/>.</summary>
    public static IEnumerable<FuzzRequest> For(ApiOperation op, FuzzTargets targets, Random random, int combined)
    {
        var role = op.IsAnonymous ? null : op.Roles[0];
        var template = Template(op, targets);
        var url = Url(op, targets, overrides: null);

        foreach (var p in op.Parameters.Where(p => p.In is "path" or "query"))
        foreach (var (bad, why) in BadTexts())
        {
            var value = p.In == "path" ? Value(p.Name, targets) + bad : bad;
            yield return new FuzzRequest(op.Method, Url(op, targets, new() { [p.Name] = value }), Bytes(template), Json(template), $"{p.In} {p.Name}: {why}") { Role = role };
        }
        foreach (var p in op.Parameters.Where(p => p.In == "query"))
        {
            var once = Uri.EscapeDataString(Value(p.Name, targets));
            // From a URL that already has it (a continuation is left out of the first page's URL otherwise).
            var withIt = Url(op, targets, new() { [p.Name] = once });
            yield return new FuzzRequest(op.Method, withIt + $"&{p.Name}={once}", Bytes(template), Json(template), $"{p.Name} twice") { Role = role };
            if (p.Required)
                yield return new FuzzRequest(op.Method, Url(op, targets, new() { [p.Name] = null }), Bytes(template), Json(template), $"{p.Name} missing") { Role = role };
        }
        if (!op.IsAnonymous)
        {
            foreach (var (header, why) in new[] { ("Bearer not-a-token", "garbage token"), ("Bearer ", "empty token"), ("Basic b3BzOm9wcw==", "basic auth"),
                         ("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJvcHMiLCJyb2xlcyI6WyJvcGVyYXRvciJdfQ.", "alg none") })
                yield return new FuzzRequest(op.Method, url, Bytes(template), Json(template), why) { Headers = new Dictionary<string, string> { ["Authorization"] = header } };
        }
        if (op.Method == "POST" && op.Path == "/api/orders")
        {
            foreach (var key in new[] { new string('k', 200), "has space", "tab\tkey" })
                yield return new FuzzRequest(op.Method, url, Bytes(template), Json(template), "bad Idempotency-Key") { Role = role, Headers = new Dictionary<string, string> { ["Idempotency-Key"] = key } };
        }
        if (template is null) yield break;

        foreach (var (body, contentType, why) in WholeBodies(template, bodyOptional: IsEnvelope(op)))
            yield return new FuzzRequest(op.Method, url, body, contentType, why) { Role = role };

        var mutations = BodyMutations(op, template).ToList();
        foreach (var (mutate, why, _, _) in mutations)
            yield return new FuzzRequest(op.Method, url, mutate(template), "application/json", why) { Role = role };

        // Combinations stay invalid: each part only removes a required field or puts an invalid value in one.
        var values = mutations.Where(m => m.Edit is not null).ToList();
        for (var i = 0; i < combined && values.Count > 1; i++)
        {
            var picked = Enumerable.Range(0, random.Next(2, 4)).Select(_ => values[random.Next(values.Count)]).ToList();
            var node = template.DeepClone();
            var raw = (string?)null;
            foreach (var (path, value) in picked.Select(m => m.Edit).OfType<(string[] Path, JsonNode? Value)>()) Set(node, path, value?.DeepClone());
            if (picked.FirstOrDefault(m => m.Raw is not null) is { Raw: { } r, Edit: { } e }) { Set(node, e.Path, Placeholder); raw = r; }
            var text = node.ToJsonString();
            if (raw is not null) text = text.Replace($"\"{Placeholder}\"", raw, StringComparison.Ordinal);
            yield return new FuzzRequest(op.Method, url, Encoding.UTF8.GetBytes(text), "application/json",
                "combined: " + string.Join(" + ", picked.Select(m => m.Why))) { Role = role };
        }
    }

    /// <summary>A valid body for the operation, or null when it takes none.</summary>
    private static JsonNode? Template(ApiOperation op, FuzzTargets t) => (op.Method, op.Path) switch
    {
        ("POST", "/api/orders") => JsonNode.Parse($$"""
            {"customerId":"{{t.CustomerId}}","items":[{"sku":"{{t.Sku}}","quantity":1}],
             "shippingAddress":{"name":"Ada","line1":"1 Analytical St","city":"Amsterdam","postalCode":"1011AB","country":"NL"},
             "paymentToken":"tok_visa"}
            """),
        ("PUT", "/api/inventory/products/{sku}") => JsonNode.Parse("""{"name":"Fuzzed","unitPrice":12.5,"currency":"EUR"}"""),
        ("POST", "/api/inventory/products/{sku}/stock") => JsonNode.Parse("""{"quantity":2}"""),
        ("POST", "/api/admin/dead-letters/{id}/ignore") => JsonNode.Parse("""{"note":"fuzzing"}"""),
        ("POST", "/api/admin/dead-letters/{id}/resubmit") => t.DeadLetterEnvelope.DeepClone(),
        // A filter that matches nothing: valid, and no mutation of it may resubmit anything.
        ("POST", "/api/admin/dead-letters/resubmit") => JsonNode.Parse("""{"entity":"fuzz-no-such-entity"}"""),
        _ when op.HasBody => throw new InvalidOperationException($"{op} takes a body the fuzz test has no valid example of: add one here."),
        _ => null,
    };

    /// <summary>The resubmit body: a whole message envelope, checked against its contract rather than field by field.</summary>
    private static bool IsEnvelope(ApiOperation op) => op.Path.EndsWith("/resubmit", StringComparison.Ordinal);

    /// <summary>Fields whose absence (or null) is valid, so removing them proves nothing.</summary>
    private static bool IsOptional(ApiOperation op, string[] path) => (op.Path, string.Join('.', path)) switch
    {
        ("/api/orders", "customerId") => true,
        // The envelope: only what the contract needs is mutated; CloudEvents extensions are free.
        ("/api/admin/dead-letters/{id}/resubmit", var p) => p is not ("specversion" or "id" or "type" or "source" or "time" or "correlationid" or "data"
            or "data.orderId" or "data.paymentToken" or "data.amount" or "data.amount.amount" or "data.amount.currency"),
        _ => false,
    };

    private static IEnumerable<(Func<JsonNode, byte[]> Mutate, string Why, (string[] Path, JsonNode? Value)? Edit, string? Raw)> BodyMutations(ApiOperation op, JsonNode template)
    {
        foreach (var (path, leaf) in Leaves(template))
        {
            var at = string.Join('.', path);
            if (IsOptional(op, path)) continue;
            yield return (n => Bytes(Removed(n, path))!, $"remove {at}", null, null);
            if (leaf is null) continue;
            var isString = leaf.GetValueKind() == System.Text.Json.JsonValueKind.String;
            // The API's own fields have rules for their text and ranges; an envelope's data only its contract's types.
            var wrongTypes = (isString, IsEnvelope(op)) switch
            {
                (true, false) => new JsonNode?[] { 12345, true, new JsonArray(), new JsonObject(), "", "   ", "x\n", "\u0000", new string('x', 3000) },
                (false, false) => ["12", true, new JsonArray(), new JsonObject(), -2147483648L, 2147483648L, 1e15, -1e15],
                (true, true) => [12345, true, new JsonArray(), new JsonObject()],
                (false, true) => ["12", true, new JsonArray(), new JsonObject()],
            };
            foreach (var value in wrongTypes)
            {
                var v = value;
                yield return (n => Bytes(With(n, path, v?.DeepClone()))!, $"value {at} = {Show(v)}", (path, v), null);
            }
            foreach (var raw in isString ? ["\"\\ud800\"", "\"\\udfff tail\"", "1e400"] : new[] { "\"\\ud800\"", "1e400", "-1e-400" })
                yield return (n => RawBytes(n, path, raw), $"value {at} = {raw}", (path, null), raw);
            yield return (n => InvalidUtf8(n, path), $"value {at} = invalid UTF-8", null, null);
        }
        foreach (var key in (template as JsonObject)?.Select(kv => kv.Key) ?? [])
        {
            var k = key;
            yield return (n => DuplicateKey(n, k), $"duplicate key {k}", null, null);
        }
    }

    private static IEnumerable<(byte[]? Body, string? ContentType, string Why)> WholeBodies(JsonNode template, bool bodyOptional)
    {
        var valid = Bytes(template)!;
        yield return (valid, "text/plain", "text/plain");
        yield return (valid, "application/x-www-form-urlencoded", "form post");
        yield return (valid, null, "no content type");
        yield return (valid, "application/xml", "xml media type");
        yield return (valid, "application/json; charset=utf-16", "utf-16 charset");
        if (!bodyOptional) yield return ([], "application/json", "empty body"); // no body is a resubmit as it was
        foreach (var text in new[] { "null", "[]", "42", "\"text\"", "true", "{", "{\"a\":", "{} {}", "{\"a\":1,}", "[{}]", "\u00ef\u00bb\u00bf", "{'a':1}" })
            yield return (Encoding.UTF8.GetBytes(text), "application/json", $"body {text}");
        yield return (valid[..(valid.Length / 2)], "application/json", "truncated");
        yield return ([.. valid, .. "x"u8], "application/json", "trailing garbage");
        yield return (Encoding.UTF8.GetBytes(new string('[', 200) + new string(']', 200)), "application/json", "200 levels deep");
        yield return (Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 100) + new string(']', 100) + "}"), "application/json", "deep field");
        yield return (Encoding.UTF8.GetBytes("{\"x\":\"" + new string('y', 600 * 1024) + "\"}"), "application/json", "600 KB");
    }

    /// <summary>Path segments and query values that no id, sku or filter may be.</summary>
    private static IEnumerable<(string Bad, string Why)> BadTexts() =>
    [
        ("%0A", "newline"), ("%00", "NUL"), ("%0D%0A", "CRLF"), ("%09", "tab"), ("%C3%28", "invalid UTF-8"), ("%ED%A0%80", "encoded lone surrogate"),
        (new string('a', 4000), "4000 characters"), ("%20%20", "spaces"), ("%7F", "DEL"), ("%E2%80%8B", "zero-width space"),
    ];

    private static string Url(ApiOperation op, FuzzTargets t, Dictionary<string, string?>? overrides)
    {
        string ValueOf(string name) => overrides is not null && overrides.TryGetValue(name, out var v) ? v! : Uri.EscapeDataString(Value(name, t));
        var path = op.Path.TrimStart('/');
        foreach (var p in op.Parameters.Where(p => p.In == "path")) path = path.Replace("{" + p.Name + "}", ValueOf(p.Name), StringComparison.Ordinal);
        // A continuation only comes from a previous page: the first page is asked for, unless the mutation is the continuation's.
        var query = op.Parameters.Where(p => p.In == "query" && (p.Name != "continuation" || overrides?.ContainsKey(p.Name) == true))
            .Where(p => overrides is null || !overrides.TryGetValue(p.Name, out var v) || v is not null)
            .Select(p => $"{p.Name}={ValueOf(p.Name)}").ToList();
        return path + "?" + string.Join('&', query.Prepend("fuzz=1"));
    }

    private static string Value(string name, FuzzTargets t) => name switch
    {
        "orderId" => t.OrderId,
        "customerId" => t.CustomerId,
        "sku" or "skus" => t.Sku,
        "id" => t.DeadLetterId,
        "status" => "Pending",
        "entity" => "payments-commands",
        "note" => "fuzzing",
        "pageSize" => "10",
        // The local host's continuation for "from the start" (a position before every key); any other shop answers it 400, as it should.
        "continuation" => System.Buffers.Text.Base64Url.EncodeToString("[\"\",\"\"]"u8),
        "reason" => "max-delivery",
        "minAgeSeconds" => "0",
        "maxAgeSeconds" => "3600",
        _ => throw new InvalidOperationException($"The fuzz test has no value for parameter '{name}': add one here."),
    };

    private static IEnumerable<(string[] Path, JsonNode? Leaf)> Leaves(JsonNode? node, string[]? at = null)
    {
        at ??= [];
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    string[] p = [.. at, k];
                    if (v is JsonObject or JsonArray) yield return (p, v);
                    foreach (var leaf in Leaves(v, p)) yield return leaf;
                }
                break;
            case JsonArray a when a.Count > 0:
                foreach (var leaf in Leaves(a[0], [.. at, "0"])) yield return leaf;
                break;
            case JsonValue when at.Length > 0:
                yield return (at, node);
                break;
        }
    }

    private static JsonNode With(JsonNode template, string[] path, JsonNode? value)
    {
        var copy = template.DeepClone();
        Set(copy, path, value);
        return copy;
    }

    private static void Set(JsonNode root, string[] path, JsonNode? value)
    {
        var parent = Walk(root, path[..^1]);
        if (parent is JsonArray array) { if (int.TryParse(path[^1], out var i) && i < array.Count) array[i] = value; }
        else if (parent is JsonObject obj) obj[path[^1]] = value;
    }

    /// <summary>The node at <paramref name="path"/>, or null where an earlier mutation replaced a container on the way.</summary>
    private static JsonNode? Walk(JsonNode root, string[] path) => path.Aggregate((JsonNode?)root, (n, s) => n switch
    {
        JsonArray a when int.TryParse(s, out var i) && i < a.Count => a[i],
        JsonObject o => o[s],
        _ => null,
    });

    private static JsonNode Removed(JsonNode template, string[] path)
    {
        var copy = template.DeepClone();
        var parent = Walk(copy, path[..^1]);
        if (parent is JsonObject obj) obj.Remove(path[^1]);
        else if (parent is JsonArray array && int.TryParse(path[^1], out var i) && i < array.Count) array.RemoveAt(i);
        return copy;
    }

    private static byte[] RawBytes(JsonNode template, string[] path, string raw) =>
        Encoding.UTF8.GetBytes(With(template, path, Placeholder).ToJsonString().Replace($"\"{Placeholder}\"", raw, StringComparison.Ordinal));

    private static byte[] InvalidUtf8(JsonNode template, string[] path)
    {
        var text = Encoding.UTF8.GetBytes(With(template, path, Placeholder).ToJsonString());
        var at = text.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Placeholder));
        text[at] = 0xC3;
        text[at + 1] = 0x28;
        return text;
    }

    private static byte[] DuplicateKey(JsonNode template, string key)
    {
        var o = (JsonObject)template;
        var text = o.ToJsonString();
        var other = o[key] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? "\"other\"" : "null";
        return Encoding.UTF8.GetBytes(text[..^1] + $",\"{key}\":{other}}}");
    }

    private static byte[]? Bytes(JsonNode? node) => node is null ? null : Encoding.UTF8.GetBytes(node.ToJsonString());

    private static string? Json(JsonNode? node) => node is null ? null : "application/json";

    private static string Show(JsonNode? v) => v?.ToJsonString() is { Length: > 24 } s ? s[..24] + "…" : v?.ToJsonString() ?? "null";
}
