using System.Collections.Concurrent;
using System.Text.Json;

namespace Orderly.Contracts;

/// <summary>Validates contract data against the JSON Schema shipped with the contracts (<c>schemas/*.schema.json</c>).</summary>
public static class ContractSchemas
{
    private static readonly ConcurrentDictionary<string, SchemaNode> Compiled = new(StringComparer.Ordinal);
    private static readonly SchemaLibrary Library = new(LoadEmbedded);

    /// <summary>The errors of <paramref name="data"/> against the contract's schema, each naming the field; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(MessageDefinition definition, JsonElement data) =>
        Validate(definition.SchemaFile, data);

    /// <summary>The errors of <paramref name="json"/> against a schema file of the contracts (e.g. <c>envelope.schema.json</c>).</summary>
    public static IReadOnlyList<string> Validate(string schemaFile, JsonElement json)
    {
        var schema = Compiled.GetOrAdd(schemaFile, f => Library.Root(f));
        var errors = new List<string>();
        schema.Validate(json, "", errors);
        return errors;
    }

    /// <summary>The schema files shipped in this assembly.</summary>
    public static IReadOnlyList<string> SchemaFiles { get; } = typeof(ContractSchemas).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("schemas/", StringComparison.Ordinal))
        .Select(n => n["schemas/".Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The text of a shipped schema file.</summary>
    public static string ReadSchemaText(string schemaFile)
    {
        using var stream = typeof(ContractSchemas).Assembly.GetManifestResourceStream("schemas/" + schemaFile)
            ?? throw new FileNotFoundException($"No contract schema '{schemaFile}' is embedded in Orderly.Contracts.", schemaFile);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonDocument LoadEmbedded(string file) => JsonDocument.Parse(ReadSchemaText(file));
}
