using System.Text.Json;

namespace Orderly.Contracts;

/// <summary>Validates contract data against the JSON Schema shipped with the contracts (schemas/*.schema.json).</summary>
public static class ContractSchemas
{
    /// <summary>The errors of <paramref name="data"/> against the contract's schema, each naming the field; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(MessageDefinition definition, JsonElement data)
    {
        // Placeholder until the schema validator lands: type checks are done by the deserializer.
        _ = definition;
        _ = data;
        return [];
    }
}
