using Orderly.Hosting;
using Orderly.Hosting.Access;

namespace Orderly.Functions.Http;

/// <summary>The route table of one Function App (its context's rows plus health), by function name.</summary>
public sealed class FunctionRoutes
{
    private readonly Dictionary<string, ApiRoute> _byName;

    public FunctionRoutes(IEnumerable<ApiRoute> routes)
    {
        _byName = new(StringComparer.Ordinal);
        foreach (var route in routes.Append(HealthEndpoint.Health))
            if (!_byName.TryAdd(route.Name, route)) throw new ArgumentException($"Two routes are named '{route.Name}'.", nameof(routes));
    }

    public IReadOnlyCollection<ApiRoute> All => _byName.Values;

    /// <summary>The row of the function named <paramref name="functionName"/>, or null.</summary>
    public ApiRoute? Find(string functionName) => _byName.GetValueOrDefault(functionName);
}
