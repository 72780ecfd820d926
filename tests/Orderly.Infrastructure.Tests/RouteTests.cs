using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>Every Function App serves the routes ORDERLY.md gives its context, and the local gateway reaches each of them.</summary>
public sealed class RouteTests
{
    private static readonly Dictionary<string, string[]> PublicApi = new()
    {
        ["orders"] = ["POST orders", "GET orders", "GET orders/{orderId}", "GET customers/{customerId}/orders", "GET health"],
        ["inventory"] = ["PUT inventory/products/{sku}", "POST inventory/products/{sku}/stock", "GET inventory/products", "GET inventory/products/{sku}", "GET health"],
        ["payments"] = ["GET payments", "GET health"],
        ["shipping"] = ["GET shipments", "GET health"],
        ["notifications"] = ["GET notifications", "GET health"],
        ["checkout"] = ["GET checkout/{orderId}", "GET health"],
    };

    private static readonly Regex Trigger = new(@"\[HttpTrigger\(AuthorizationLevel\.\w+,\s*""(?<method>\w+)"",\s*Route\s*=\s*""(?<route>[^""]+)""\)\]");

    private static string AppFolder(string context) =>
        context == "checkout"
            ? "orchestrations/checkout/Orderly.Checkout.Functions"
            : $"functions/{context}/Orderly.{char.ToUpperInvariant(context[0])}{context[1..]}.Functions";

    private static IReadOnlyList<string> RoutesOf(string context) =>
        Repository.FilesUnder(AppFolder(context), ".cs")
            .SelectMany(f => Trigger.Matches(File.ReadAllText(f)))
            .Select(m => $"{m.Groups["method"].Value.ToUpperInvariant()} {m.Groups["route"].Value}")
            .ToList();

    public static TheoryData<string> Contexts() => new(PublicApi.Keys);

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Each_app_serves_the_routes_of_its_context(string context)
    {
        var routes = RoutesOf(context);
        Assert.All(PublicApi[context], expected => Assert.Contains(expected, routes));
        Assert.Equal(routes.Count, routes.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void The_local_gateway_sends_each_route_to_its_apps_port(string context)
    {
        using var settings = JsonDocument.Parse(Repository.Read($"{AppFolder(context)}/local.settings.sample.json"));
        var port = settings.RootElement.GetProperty("Host").GetProperty("LocalHttpPort").GetInt32();
        using var table = JsonDocument.Parse(Repository.Read("infra/emulators/app-routes.json"));
        var ports = table.RootElement.GetProperty("ports");
        var gateway = table.RootElement.GetProperty("routes").EnumerateArray()
            .Select(r => (Prefix: r.GetProperty("prefix").GetString()!, Port: ports.GetProperty(r.GetProperty("app").GetString()!).GetInt32()))
            .ToList();
        foreach (var route in RoutesOf(context).Select(r => "/api/" + r.Split(' ')[1]).Where(r => r != "/api/health"))
        {
            var target = gateway.FirstOrDefault(g => route.StartsWith(g.Prefix, StringComparison.Ordinal));
            Assert.True(target.Prefix is not null, $"the gateway has no prefix for {route}");
            Assert.Equal(port, target.Port);
        }
    }

    [Fact]
    public void Emulator_mode_ports_are_distinct_and_never_the_local_host_s()
    {
        // A newcomer runs the local host (7071 unless ORDERLY_URLS says otherwise) and, later, the apps under `func start`
        // behind the gateway, with a local host beside them as their token issuer (docs/azure-shell.md, "Emulator mode").
        var localHost = new Uri(Regex.Match(Repository.Read("functions/local-host/Orderly.LocalHost/LocalHostSettings.cs"),
            @"DefaultUrl = ""(?<url>[^""]+)""").Groups["url"].Value).Port;
        var apps = PublicApi.Keys.Select(context =>
        {
            using var settings = JsonDocument.Parse(Repository.Read($"{AppFolder(context)}/local.settings.sample.json"));
            return (Port: settings.RootElement.GetProperty("Host").GetProperty("LocalHttpPort").GetInt32(),
                Issuer: new Uri(settings.RootElement.GetProperty("Values").GetProperty("Auth__MetadataAddress").GetString()!).Port);
        }).ToList();
        var gateway = int.Parse(Regex.Match(Repository.Read("infra/emulators/gateway.mjs"), @"ORDERLY_GATEWAY_PORT \?\? (?<port>\d+)").Groups["port"].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        var issuer = Assert.Single(apps.Select(a => a.Issuer).Distinct());

        int[] all = [.. apps.Select(a => a.Port), gateway, issuer, localHost];
        Assert.Equal(all.Length, all.Distinct().Count());
    }
}
