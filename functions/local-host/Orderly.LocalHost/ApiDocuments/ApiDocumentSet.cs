using Microsoft.AspNetCore.Http.Metadata;
using Orderly.Hosting.Access;
using Scalar.AspNetCore;

namespace Orderly.LocalHost.ApiDocuments;

/// <summary>
/// The shop's OpenAPI documents, one per context and the operator's, and the interactive reference that reads them. The same
/// routes run in the Function Apps, so a document is titled by its context, never by this host.
/// </summary>
public static class ApiDocumentSet
{
    /// <summary>Where the interactive reference is (the console at GET / links it in its header).</summary>
    public const string ReferencePath = "/reference";

    /// <summary>Where each document is; <c>{documentName}</c> is a context or <c>admin</c>.</summary>
    public const string DocumentPattern = "/openapi/{documentName}.json";

    /// <summary>The documents: each context's routes (those tagged with its name), and the operator's (tagged <c>admin</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ShopContexts.Containers, "admin"];

    public static IServiceCollection AddApiDocuments(this IServiceCollection services)
    {
        foreach (var name in Names)
        {
            services.AddOpenApi(name, o =>
            {
                o.ShouldInclude = api => api.ActionDescriptor.EndpointMetadata.OfType<ITagsMetadata>().Any(t => t.Tags.Contains(name));
                o.AddDocumentTransformer(DocumentHeading.For(name));
                o.AddOperationTransformer(OperationDetails.TransformAsync);
                o.AddSchemaTransformer(ResponseSchemas.TransformAsync);
                o.AddDocumentTransformer(ResponseSchemas.AnyJsonOnceAsync);
            });
        }
        return services;
    }

    /// <summary>Maps the documents and the reference (its script and styles come from the Scalar.AspNetCore package).</summary>
    public static WebApplication MapApiDocuments(this WebApplication app)
    {
        app.MapOpenApi(DocumentPattern).RequirePolicy(RoutePolicy.Anyone);
        // Nothing leaves the machine: no web fonts, telemetry, AI agent or MCP link (calls go straight to this host, no proxy).
        app.MapScalarApiReference(ReferencePath, o => o
                .WithTitle("Orderly API reference")
                .WithOpenApiRoutePattern(DocumentPattern)
                .AddDocuments(Names)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp())
            .RequirePolicy(RoutePolicy.Anyone);
        return app;
    }
}
