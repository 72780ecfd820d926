using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Orderly.EndToEnd.Support;

/// <summary>
/// The shop's OpenAPI documents as a contract every answer is held to: the status must be one the operation lists, the
/// content type one it lists for that status, and the body must meet that response's schema (OpenAPI 3.1 schemas are JSON
/// Schema 2020-12; <c>#/components/schemas</c> refs resolve within the document). An object schema that names its
/// properties and says nothing of others is read as closed, so a property the document does not name is drift too.
/// </summary>
public sealed class ApiContract
{
    /// <summary>Every document the host serves: each context's and the operator's.</summary>
    public static IReadOnlyList<string> Documents => OpenApiOperations.Documents;

    private readonly IReadOnlyList<Operation> _operations;
    private readonly ConcurrentDictionary<(Operation, string Status, string Media), JsonSchema> _schemas = new();

    private ApiContract(IReadOnlyList<Operation> operations) => _operations = operations;

    /// <summary>Reads the documents from the shop, anonymously; null when it serves none (the Function Apps in Azure serve none).</summary>
    public static async Task<ApiContract?> LoadAsync(HttpClient anonymous)
    {
        var documents = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var name in Documents)
        {
            using var response = await anonymous.GetAsync($"openapi/{name}.json");
            if (!response.IsSuccessStatusCode) return null; // nothing to hold answers to; ApiContractTests then fail on a host that should serve them
            documents[name] = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        }
        return From(documents);
    }

    /// <summary>A contract from documents already read (a test may change one to see the check fail).</summary>
    public static ApiContract From(IReadOnlyDictionary<string, JsonObject> documents)
    {
        var operations = new List<Operation>();
        foreach (var (name, document) in documents)
        {
            var definitions = document["components"]?["schemas"]?.DeepClone() as JsonObject ?? [];
            Rewrite(definitions);
            foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                var pattern = new Regex("^" + Regex.Replace(Regex.Escape(path), @"\\\{[^/]+?}", "[^/]+") + "$", RegexOptions.CultureInvariant);
                operations.Add(new Operation(name, method.ToUpperInvariant(), path, pattern, operation!["responses"]!.AsObject(), definitions));
            }
        }
        return new ApiContract(operations);
    }

    /// <summary>
    /// What is wrong with an answer to <paramref name="method"/> <paramref name="path"/>, or null when it is as documented
    /// (or when no documented operation has that method and path: a 404 or 405 of the router is no operation's).
    /// </summary>
    public string? Check(string method, string path, int status, string? mediaType, string body)
    {
        var operation = _operations.FirstOrDefault(o => o.Method == method && o.Pattern.IsMatch(path));
        if (operation is null) return null;
        var code = status.ToString(CultureInfo.InvariantCulture);
        if (operation.Responses[code] is not JsonObject response)
            return $"{operation} answered {status}, a status its document ({operation.Document}) does not list: {Cut(body)}";
        var content = response["content"] as JsonObject;
        if (body.Length == 0)
            return content is null || content.Count == 0 ? null : $"{operation} answered {status} with no body; the document promises {string.Join(", ", content.Select(c => c.Key))}";
        if (content is null || mediaType is null || content[mediaType] is not JsonObject media)
            return $"{operation} answered {status} as '{mediaType}', which its document does not list for {status} ({string.Join(", ", content?.Select(c => c.Key) ?? [])}): {Cut(body)}";
        if (media["schema"] is not JsonObject schema) return null;

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return $"{operation} answered {status} with a body that is not JSON ({e.Message}): {Cut(body)}";
        }
        var compiled = _schemas.GetOrAdd((operation, code, mediaType), key => Compile(key.Item1, schema));
        var results = compiled.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical, Culture = CultureInfo.InvariantCulture });
        if (results.IsValid) return null;
        var errors = Failures(results).Distinct().Take(10);
        return $"{operation} answered {status} with a body its document's schema refuses:\n  {string.Join("\n  ", errors)}\n  body: {Cut(body)}";
    }

    /// <summary>The messages of the failing nodes, descending only into failing ones (a passing oneOf's other branches are no failure).</summary>
    private static IEnumerable<string> Failures(EvaluationResults node)
    {
        if (node.IsValid) yield break;
        var at = node.InstanceLocation.SegmentCount == 0 ? "(root)" : node.InstanceLocation.ToString();
        var below = (node.Details ?? []).Where(d => !d.IsValid).ToList();
        foreach (var (_, message) in node.Errors ?? new Dictionary<string, string>())
            yield return $"{at}: {message} (schema {node.EvaluationPath})";
        if (node.Errors is null && below.Count == 0) yield return $"{at}: fails the schema at {node.EvaluationPath}"; // e.g. oneOf matching twice
        foreach (var failure in below.SelectMany(Failures))
            yield return failure;
    }

    /// <summary>One response schema as a standalone 2020-12 schema carrying the document's components as <c>$defs</c>.</summary>
    private static JsonSchema Compile(Operation operation, JsonObject schema)
    {
        var root = schema.DeepClone().AsObject();
        Rewrite(root);
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = operation.Definitions.DeepClone();
        var registry = new SchemaRegistry { Fetch = static (_, _) => null }; // everything is in the schema
        var options = new BuildOptions { SchemaRegistry = registry, Dialect = Dialect.Draft202012 };
        return JsonSchema.FromText(root.ToJsonString(), options, new Uri($"https://orderly.test/{operation.Document}/{Guid.NewGuid():N}"));
    }

    /// <summary>Points component refs at <c>$defs</c>, and closes every object schema that names its properties and no others.</summary>
    private static void Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["$ref"] is JsonValue r && r.GetValue<string>() is { } target && target.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    o["$ref"] = "#/$defs/" + target["#/components/schemas/".Length..];
                if (o.ContainsKey("properties") && !o.ContainsKey("additionalProperties") && !o.ContainsKey("unevaluatedProperties"))
                    o["unevaluatedProperties"] = false;
                foreach (var (key, child) in o.ToList())
                {
                    // Under "properties" and "$defs" the keys are names, not keywords: only their values are schemas.
                    if (key is "properties" or "$defs" && child is JsonObject named)
                        foreach (var (_, value) in named) Rewrite(value);
                    else Rewrite(child);
                }
                break;
            case JsonArray a:
                foreach (var item in a) Rewrite(item);
                break;
        }
    }

    private static string Cut(string body) => body.Length > 1500 ? body[..1500] + "…" : body;

    private sealed record Operation(string Document, string Method, string Path, Regex Pattern, JsonObject Responses, JsonObject Definitions)
    {
        public override string ToString() => $"{Method} {Path}";
    }
}

/// <summary>Holds every answer a test client gets to the <see cref="ApiContract"/>: one that breaks it fails the call.</summary>
public sealed class ContractCheckingHandler(Func<ApiContract?> contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (contract() is not { } documents || request.RequestUri is not { } uri) return response;
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        // Kestrel's own refusals (a NUL in the path, an over-long request line) reach no middleware: no correlation id, no body.
        var fromTheApp = response.Headers.Contains("X-Correlation-Id");
        if (!fromTheApp && body.Length == 0) return response;
        var problem = documents.Check(request.Method.Method, uri.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        if (problem is null && !fromTheApp) problem = $"{request.Method} {uri.AbsolutePath} answered {(int)response.StatusCode} without the X-Correlation-Id every answer carries";
        if (problem is null) return response;
        response.Dispose();
        throw new ApiContractViolationException(problem);
    }
}

/// <summary>An answer that is not what the OpenAPI documents say.</summary>
public sealed class ApiContractViolationException(string message) : Exception(message);
