using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Orderly.Hosting;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;

namespace Orderly.LocalHost.ApiDocuments;

/// <summary>
/// What an operation's handler signature does not show, read from the route's metadata: who may call it (the route policy, as
/// <c>x-orderly-access</c> and a security requirement), the headers read and echoed, the query parameters it cannot go without or reads as integers,
/// and the headers of its answers.
/// </summary>
internal static class OperationDetails
{
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<RoutePolicy>().LastOrDefault() is { } policy)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-orderly-access"] = new JsonNodeExtension(JsonValue.Create(policy.ToString()));
            var bearer = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentHeading.BearerScheme, context.Document)] = [] };
            // An open route takes no token, but checks one that is sent (401 when it is bad).
            operation.Security = policy.AllowsAnonymous ? [new OpenApiSecurityRequirement(), bearer] : [bearer];
        }

        operation.Parameters ??= [];
        foreach (var header in metadata.OfType<DocumentedHeader>())
            operation.Parameters.Add(Header(header.Name, header.Description, header.MaxLength));
        operation.Parameters.Add(Header(CorrelationId.Header,
            "Ties this call to the messages and log lines of its flow; kept when it is 1–128 visible ASCII characters, else a new one is made. Echoed in the answer.",
            CorrelationId.MaxLength));
        foreach (var name in metadata.OfType<RequiredQuery>().SelectMany(q => q.Names))
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query && p.Name == name))
            parameter.Required = true;
        foreach (var integer in metadata.OfType<IntegerQuery>())
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query && p.Name == integer.Name))
        {
            parameter.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer,
                Minimum = integer.Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Maximum = integer.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Default = JsonValue.Create(integer.Default),
            };
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse answer) continue;
            answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
            answer.Headers[CorrelationId.Header] = ResponseHeader("The caller's correlation id, or the one made for this call.");
            switch (status)
            {
                case "201" or "202":
                    answer.Headers["Location"] = ResponseHeader("Where the created or accepted resource can be read.");
                    break;
                case "401":
                    answer.Headers["WWW-Authenticate"] = ResponseHeader("Bearer, with error=\"invalid_token\" and why when a token was sent and refused (RFC 6750).");
                    break;
                case "429":
                    answer.Headers["Retry-After"] = ResponseHeader("Seconds until the next call of this kind is admitted.");
                    break;
                case "503":
                    answer.Headers["Retry-After"] = ResponseHeader("Seconds until the store is expected back; the same request will do then.");
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private static OpenApiParameter Header(string name, string description, int maxLength) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = maxLength },
    };

    private static OpenApiHeader ResponseHeader(string description) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
