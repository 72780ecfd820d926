using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>Every <c>%SETTING%</c> an app's host.json or triggers resolve is set on that app in Azure and in its local sample.</summary>
public sealed class AppSettingsTests
{
    private static readonly Regex BindingExpression = new(@"%(?<name>[A-Za-z_][A-Za-z0-9_]*)%");

    public static TheoryData<string> Contexts() => new("orders", "inventory", "payments", "shipping", "notifications", "checkout");

    private static string AppFolder(string context) =>
        context == "checkout"
            ? "orchestrations/checkout/Orderly.Checkout.Functions"
            : $"functions/{context}/Orderly.{char.ToUpperInvariant(context[0])}{context[1..]}.Functions";

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Every_binding_expression_is_set_in_azure_and_locally(string context)
    {
        var folder = AppFolder(context);
        var used = Repository.FilesUnder(folder, ".cs", "host.json")
            .SelectMany(f => BindingExpression.Matches(File.ReadAllText(f)))
            .Select(m => m.Groups["name"].Value).Distinct().ToList();

        var module = Repository.Read("infra/bicep/modules/function-app.bicep");
        var app = Assert.Single(BicepApp.All(), a => a.Name == context);
        var local = Repository.Read($"{folder}/local.settings.sample.json");
        Assert.All(used, name =>
        {
            Assert.True(app.Settings.ContainsKey(name) || Regex.IsMatch(module, $@"(?m)^\s*{name}:"), $"{context} resolves %{name}% but Bicep never sets it");
            Assert.Contains($"\"{name}\"", local);
        });
    }

    [Fact]
    public void App_specific_settings_hold_no_secret()
    {
        Assert.All(BicepApp.All().SelectMany(a => a.Settings), s =>
            Assert.DoesNotMatch(@"(?i)key|secret|password|connectionstring", s.Key + "=" + s.Value));
    }
}
