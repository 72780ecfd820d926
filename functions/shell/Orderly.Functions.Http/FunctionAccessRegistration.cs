using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orderly.Hosting.Access;

namespace Orderly.Functions.Http;

/// <summary>Puts a Function App's HTTP functions behind the access gate.</summary>
public static class FunctionAccessRegistration
{
    /// <summary>
    /// Trusts the tokens the <c>Auth</c> settings name (Entra ID; the app stops at start, naming the setting, if one is missing)
    /// and gates every HTTP function by its row of <paramref name="routes"/>.
    /// </summary>
    public static FunctionsApplicationBuilder AddRouteAccess(this FunctionsApplicationBuilder builder, IEnumerable<ApiRoute> routes)
    {
        var options = AccessOptions.From(builder.Configuration);
        builder.Services.AddSingleton(new FunctionRoutes(routes));
        builder.Services.AddAccessGate(_ => new BearerTokens(options));
        builder.UseMiddleware<FunctionAccessMiddleware>();
        return builder;
    }
}
