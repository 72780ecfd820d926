using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orderly.LocalHost.ApiDocuments;

/// <summary>A document's title, description and the bearer scheme its operations name.</summary>
internal static class DocumentHeading
{
    /// <summary>The security scheme every operation that needs a token refers to.</summary>
    public const string BearerScheme = "bearer";

    public static Func<OpenApiDocument, OpenApiDocumentTransformerContext, CancellationToken, Task> For(string name) => (document, _, _) =>
    {
        document.Info = new OpenApiInfo
        {
            Title = $"Orderly {name} API",
            Version = "1",
            Description = name == "admin"
                ? "The operator's routes: dead-letter triage and runtime counters. Every route needs a token with the operator role."
                : $"The {name} context's routes. They are the same in the local host (embedded mode) and in the {name} Function App in Azure; "
                  + "the server listed is the host that served this document. Every operation says who may call it (x-orderly-access) and "
                  + "echoes X-Correlation-Id; every refusal is application/problem+json with traceId and correlationId.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An RS256 access token with the caller's roles (customer, shop-admin, operator): from Entra ID in Azure, "
                          + "from POST /api/dev/token in the local host.",
        };
        return Task.CompletedTask;
    };
}
