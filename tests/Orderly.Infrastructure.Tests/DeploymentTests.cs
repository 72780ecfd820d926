using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>`azd up` can find and deploy every service: a project with host.json, and a Bicep app carrying its tag.</summary>
public sealed class DeploymentTests
{
    private static readonly string[] Contexts = ["orders", "inventory", "payments", "shipping", "notifications", "checkout"];

    [Fact]
    public void Azure_yaml_deploys_every_context_as_a_dotnet_function_app()
    {
        var yaml = Repository.Read("azure.yaml");
        var services = AzureYaml.Services(yaml);

        Assert.Equal(Contexts.Append("operations").Order(), services.Select(s => s.Name).Order());
        Assert.All(services, s =>
        {
            Assert.Equal("dotnet", s.Settings["language"]);
            Assert.Equal("function", s.Settings["host"]);
        });
        Assert.Matches(@"(?m)^name: orderly\s*$", yaml);
        Assert.Matches(@"(?m)^  provider: bicep\s*$", yaml);
        Assert.Matches(@"(?m)^  path: infra/bicep\s*$", yaml);
    }

    [Fact]
    public void Every_azd_service_has_a_function_project_with_host_json()
    {
        var missing = new List<string>();
        foreach (var service in AzureYaml.Services(Repository.Read("azure.yaml")))
        {
            var folder = Repository.PathOf(service.Settings["project"].TrimStart('.', '/'));
            if (!File.Exists(Path.Combine(folder, "host.json"))) missing.Add($"{service.Name}: no host.json in {folder}");
            if (!Directory.Exists(folder) || Directory.GetFiles(folder, "*.csproj").Length != 1) missing.Add($"{service.Name}: no single csproj in {folder}");
        }
        Assert.Empty(missing);
    }

    [CompiledFact]
    public void Every_azd_service_has_a_function_app_tagged_with_its_name()
    {
        var services = AzureYaml.Services(Repository.Read("azure.yaml")).Select(s => s.Name).ToList();
        Assert.Equal(services.Order(), BicepApp.AllNames().Order());
        // azd finds each service's app by this tag, on the site the compiled template deploys.
        Assert.Equal(services.Order(), CompiledApp.All(CompiledTemplate.Deployment).Select(a => a.Name).Order());
    }

    [CompiledFact]
    public void Every_app_runs_dotnet_10_isolated_on_flex_consumption_with_its_instance_cap()
    {
        var deployment = CompiledTemplate.Deployment;
        Assert.All(CompiledApp.All(deployment), app =>
        {
            Assert.Equal("dotnet-isolated", app.Site.At("properties.functionAppConfig.runtime.name"));
            Assert.Equal("10.0", app.Site.At("properties.functionAppConfig.runtime.version"));
            var cap = app.Name == BicepApp.Operations().Name
                ? BicepApp.Operations().MaximumInstanceCount
                : Assert.Single(BicepApp.All(), a => a.Name == app.Name).MaximumInstanceCount;
            Assert.Equal(cap, app.Site.At("properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount"));
            var plan = Assert.Single(deployment.OfType("Microsoft.Web/serverfarms"), p => p.Id == (string)app.Site.At("properties.serverFarmId")!);
            Assert.Equal("FC1", plan.At("sku.name"));
            Assert.Equal("FlexConsumption", plan.At("sku.tier"));
        });
    }

    [Fact]
    public void Azd_passes_exactly_the_parameters_main_declares_and_every_required_one()
    {
        using var file = System.Text.Json.JsonDocument.Parse(Repository.Read("infra/bicep/main.parameters.json"));
        var passed = file.RootElement.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString()!);
        var declared = Regex.Matches(Repository.Read(BicepApp.MainBicep), @"(?m)^param (?<name>\w+) \w+(?<default> =)?")
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Success);

        Assert.All(passed.Keys, p => Assert.True(declared.ContainsKey(p), $"main.parameters.json passes {p}, which main.bicep does not declare"));
        Assert.All(declared.Where(d => !d.Value).Select(d => d.Key), required => Assert.Contains(required, passed.Keys));
        // Every value is one azd environment variable, so `azd env set NAME value` is how each is chosen.
        Assert.All(passed, p => Assert.Matches(@"^\$\{[A-Z][A-Z0-9_]*\}$", p.Value));
    }

    [Fact]
    public void Azd_parameters_come_from_the_environment()
    {
        var parameters = Repository.Read("infra/bicep/main.parameters.json");
        foreach (var name in new[] { "environmentName", "location", "principalId" })
        {
            Assert.Matches($"\"{name}\"\\s*:\\s*\\{{\\s*\"value\"\\s*:\\s*\"\\$\\{{AZURE_[A-Z_]+\\}}\"", parameters);
            Assert.Matches(new Regex($@"(?m)^param {name} string"), Repository.Read(BicepApp.MainBicep));
        }
    }
}
