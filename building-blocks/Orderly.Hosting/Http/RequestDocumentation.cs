using Microsoft.AspNetCore.Builder;

namespace Orderly.Hosting.Http;

/// <summary>A request header a route reads itself (not through parameter binding), for the route's OpenAPI operation.</summary>
public sealed record DocumentedHeader(string Name, string Description, int MaxLength);

/// <summary>
/// Query parameters a route cannot go without. The endpoint binds them as optional so that it answers its own 400 naming
/// each missing one; this tells the OpenAPI document that they are required all the same.
/// </summary>
public sealed record RequiredQuery(IReadOnlyList<string> Names);

/// <summary>
/// A query parameter the endpoint binds as text (so that it answers its own 400 naming it) but reads as a whole number
/// from <paramref name="Minimum"/> to <paramref name="Maximum"/>: the OpenAPI document says integer.
/// </summary>
public sealed record IntegerQuery(string Name, int Minimum, int Maximum, int Default);

/// <summary>Declares what a route reads that its handler's signature does not show.</summary>
public static class RequestDocumentation
{
    /// <summary>The route reads the optional header <paramref name="name"/> of at most <paramref name="maxLength"/> characters.</summary>
    public static TBuilder ReadsHeader<TBuilder>(this TBuilder builder, string name, string description, int maxLength)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new DocumentedHeader(name, description, maxLength));

    /// <summary>The route reads <c>?pageSize=</c> and <c>?continuation=</c> by <see cref="PageQuery"/>.</summary>
    public static TBuilder Paged<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IntegerQuery(PageQuery.PageSizeName, 1, PageQuery.MaxPageSize, PageQuery.DefaultPageSize));

    /// <summary>The route answers 400 without each of <paramref name="names"/>.</summary>
    public static TBuilder RequiresQuery<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredQuery(names));
}
