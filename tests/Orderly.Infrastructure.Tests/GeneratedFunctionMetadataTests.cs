using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Checkout;
using Orderly.Hosting;
using Orderly.Hosting.Access;
using Orderly.Inventory;
using Orderly.Notifications;
using Orderly.Operations;
using Orderly.Orchestrations;
using Orderly.Orders;
using Orderly.Payments;
using Orderly.Shipping;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// What the Functions host will actually serve: the <c>functions.metadata</c> the Worker SDK's generator wrote for each app's
/// HTTP triggers (tests/function-metadata), held against the context's route table — name, method, route, one row each way —
/// and the checkout's Durable functions against the sagas and steps its module registers.
/// </summary>
public sealed class GeneratedFunctionMetadataTests
{
    private static readonly Dictionary<string, IReadOnlyList<ApiRoute>> Tables = new()
    {
        ["orders"] = OrdersModule.Routes.All,
        ["inventory"] = InventoryModule.Routes.All,
        ["payments"] = PaymentsModule.Routes.All,
        ["shipping"] = ShippingModule.Routes.All,
        ["notifications"] = NotificationsModule.Routes.All,
        ["checkout"] = CheckoutModule.Routes.All,
    };

    public static TheoryData<string> AppNames() => new(Tables.Keys);

    /// <summary>
    /// The operations app needs no trigger extension a partial NuGet source may lack, so the Worker SDK writes its metadata in
    /// the app's own build, not in a probe; and it serves from the root (routePrefix ""), so its routes are the whole paths.
    /// </summary>
    private const string OperationsApp = "functions/operations/Orderly.Operations.Functions";

    private sealed record HttpFunction(string Name, string Method, string Route, string AuthLevel);

    private static JsonDocument MetadataOf(string app)
    {
        var configuration = typeof(GeneratedFunctionMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value;
        var project = app == OperationsModule.Name ? OperationsApp : $"tests/function-metadata/{app}";
        var file = Repository.PathOf($"{project}/bin/{configuration}/net10.0/functions.metadata");
        Assert.True(File.Exists(file), $"{Repository.Relative(file)} is missing: build {project} (the test command does)");
        return JsonDocument.Parse(File.ReadAllText(file));
    }

    private static List<string> FunctionsWith(JsonDocument metadata, string bindingType) => metadata.RootElement.EnumerateArray()
        .Where(f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == bindingType))
        .Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();

    private static IReadOnlyList<HttpFunction> GeneratedFor(string app)
    {
        using var json = MetadataOf(app);
        return json.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .Select(b => new HttpFunction(f.GetProperty("name").GetString()!,
                    string.Join(",", b.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())),
                    b.GetProperty("route").GetString()!, b.GetProperty("authLevel").GetString()!)))
            .ToList();
    }

    [GeneratedMetadataTheory]
    [MemberData(nameof(AppNames))]
    public void Every_generated_http_function_is_exactly_one_row_of_the_route_table(string app)
    {
        var generated = GeneratedFor(app);
        var table = Tables[app].Append(HealthEndpoint.Health).ToList();
        Assert.Equal(table.Select(r => r.Name).Order(StringComparer.Ordinal), generated.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var function in generated)
        {
            var row = table.Single(r => r.Name == function.Name);
            Assert.Equal((row.Method, row.FunctionRoute), (function.Method, function.Route));
            // The access gate (worker middleware) decides who gets in; a function key would only stand in its way.
            Assert.Equal("Anonymous", function.AuthLevel);
        }
    }

    [GeneratedMetadataFact]
    public void Every_operations_function_serves_its_route_table_row_at_the_whole_path_from_the_root()
    {
        var generated = GeneratedFor(OperationsModule.Name);
        var table = OperationsModule.Routes.All.Append(HealthEndpoint.Health).ToList();
        Assert.Equal(table.Select(r => r.Name).Order(StringComparer.Ordinal), generated.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var function in generated)
        {
            var row = table.Single(r => r.Name == function.Name);
            // The host adds nothing in front (routePrefix ""), so the trigger's route is the pattern the local host serves.
            Assert.Equal((row.Method, row.Pattern.TrimStart('/')), (function.Method, function.Route));
            Assert.Equal("Anonymous", function.AuthLevel);
        }
        using var hostJson = JsonDocument.Parse(Repository.Read($"{OperationsApp}/host.json"));
        Assert.Equal("", hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [GeneratedMetadataFact]
    public void The_checkout_apps_orchestrator_and_activity_are_the_saga_and_step_its_module_registers()
    {
        var services = new ServiceCollection().AddCheckoutContext(new ConfigurationBuilder().Build()).BuildServiceProvider();
        using var metadata = MetadataOf("checkout");
        Assert.Equal(services.GetServices<SagaDefinition>().Select(d => d.Name).Order(StringComparer.Ordinal), FunctionsWith(metadata, "orchestrationTrigger"));
        Assert.Equal(services.GetServices<SagaActivityDefinition>().Select(d => d.Name).Order(StringComparer.Ordinal), FunctionsWith(metadata, "activityTrigger"));
    }
}

/// <summary>A fact that runs where the Functions worker packages restored, so tests/function-metadata was built.</summary>
public sealed class GeneratedMetadataFactAttribute : FactAttribute
{
    public GeneratedMetadataFactAttribute()
    {
        if (GeneratedMetadataTheoryAttribute.SkipReason() is { } reason) Skip = reason;
    }
}

/// <summary>A theory that runs where the Functions worker packages restored, so tests/function-metadata was built.</summary>
public sealed class GeneratedMetadataTheoryAttribute : TheoryAttribute
{
    public GeneratedMetadataTheoryAttribute()
    {
        if (SkipReason() is { } reason) Skip = reason;
    }

    // The test command lists the shell projects it could not restore; the probes are among them on a partial NuGet source.
    internal static string? SkipReason() =>
        Environment.GetEnvironmentVariable("ORDERLY_SKIPPED_SHELLS")?.Contains("tests/function-metadata/", StringComparison.Ordinal) == true
            ? "the Functions worker packages did not restore here, so no functions.metadata was generated"
            : null;
}
