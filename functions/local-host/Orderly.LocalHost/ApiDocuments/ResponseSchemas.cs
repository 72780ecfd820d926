using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orderly.LocalHost.ApiDocuments;

/// <summary>
/// Makes a type's schema say what the serializer writes: a property left out when null is not required, and a problem
/// carries the <c>traceId</c> and <c>correlationId</c> every Orderly host adds (and may carry other members, RFC 9457 §3.2).
/// </summary>
internal static class ResponseSchemas
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not null) return Task.CompletedTask; // the type's own schema, not one of its properties
        var type = context.JsonTypeInfo;
        if (typeof(ProblemDetails).IsAssignableFrom(type.Type))
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["traceId"] = Text("The trace id of the call: the key to its log lines.");
            schema.Properties["correlationId"] = Text("The correlation id of the call (X-Correlation-Id).");
            schema.AdditionalProperties = new OpenApiSchema();
            return Task.CompletedTask;
        }
        if (schema.Required is null) return Task.CompletedTask;
        foreach (var property in type.Properties)
        {
            var ignore = (property.AttributeProvider as MemberInfo)?.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition;
            if (ignore is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault) schema.Required.Remove(property.Name);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A nullable JSON value (a dead letter's body) comes out as <c>oneOf: [null, JsonNode]</c>, but JsonNode's schema takes any
    /// value, null included, so a null matched both and the document refused what the route sends: the reference alone says it.
    /// </summary>
    public static Task AnyJsonOnceAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var schema in document.Components?.Schemas?.Values ?? [])
            if (schema is OpenApiSchema concrete) Simplify(concrete);
        return Task.CompletedTask;
    }

    private static void Simplify(OpenApiSchema schema)
    {
        foreach (var (name, property) in schema.Properties?.ToList() ?? [])
        {
            if (property.OneOf is { Count: 2 } choices && choices.Any(c => c.Type == JsonSchemaType.Null)
                && choices.FirstOrDefault(c => c is OpenApiSchemaReference { Reference.Id: "JsonNode" or "JsonElement" }) is { } anyValue)
                schema.Properties![name] = anyValue;
            else if (property is OpenApiSchema inline) Simplify(inline);
        }
        if (schema.Items is OpenApiSchema items) Simplify(items);
    }

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
