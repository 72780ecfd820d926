using Microsoft.AspNetCore.Builder;

namespace Orderly.Hosting.Http;

/// <summary>A request header a route reads itself (not through parameter binding), for the route's OpenAPI operation.</summary>
public sealed record DocumentedHeader(string Name, string Description, int MaxLength);

/// <summary>
/// Query parameters a route cannot go without. The endpoint binds them as optional so that it answers its own 400 naming
/// each missing one; this tells the OpenAPI document that they are required all the same.
/// </summary>
public sealed record RequiredQuery(IReadOnlyList<string> Names);

/// <summary>Declares what a route reads that its handler's signature does not show.</summary>
public static class RequestDocumentation
{
    /// <summary>The route reads the optional header <paramref name="name"/> of at most <paramref name="maxLength"/> characters.</summary>
    public static TBuilder ReadsHeader<TBuilder>(this TBuilder builder, string name, string description, int maxLength)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new DocumentedHeader(name, description, maxLength));

    /// <summary>The route answers 400 without each of <paramref name="names"/>.</summary>
    public static TBuilder RequiresQuery<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredQuery(names));
}
