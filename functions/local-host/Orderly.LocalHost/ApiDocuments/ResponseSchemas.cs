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

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
