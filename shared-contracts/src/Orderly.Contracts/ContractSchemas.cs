using System.Text.Json;

namespace Orderly.Contracts;

/// <summary>Validates contract data against the JSON Schema shipped with the contracts (<c>schemas/*.schema.json</c>).</summary>
public static class ContractSchemas
{
    /// <summary>The errors of <paramref name="data"/> against the contract's schema, each naming the field; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(MessageDefinition definition, JsonElement data) =>
        Validate(definition.SchemaFile, data);

    /// <summary>The errors of <paramref name="json"/> against a schema file of the contracts (e.g. <c>envelope.schema.json</c>).</summary>
    public static IReadOnlyList<string> Validate(string schemaFile, JsonElement json) => Shipped.Value.Validate(schemaFile, json);

    /// <summary>The schema files shipped in this assembly.</summary>
    public static IReadOnlyList<string> SchemaFiles { get; } = typeof(ContractSchemas).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("schemas/", StringComparison.Ordinal))
        .Select(n => n["schemas/".Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    // Built once, on first use, from the embedded schemas; every validation reuses it.
    private static readonly Lazy<ContractSchemaSet> Shipped =
        new(() => ContractSchemaSet.Build(SchemaFiles.ToDictionary(f => f, ReadSchemaText, StringComparer.Ordinal)));

    /// <summary>The text of a shipped schema file.</summary>
    public static string ReadSchemaText(string schemaFile)
    {
        using var stream = typeof(ContractSchemas).Assembly.GetManifestResourceStream("schemas/" + schemaFile)
            ?? throw new FileNotFoundException($"No contract schema '{schemaFile}' is embedded in Orderly.Contracts.", schemaFile);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
