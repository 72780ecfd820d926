namespace Orderly.Infrastructure.Tests;

/// <summary>
/// What <c>azd up</c> leaves in its environment for a person and for the end-to-end suite: Azure has no single base URL (every
/// Function App is its own host), so the deployment outputs each app's.
/// </summary>
public sealed class CompiledOutputTests
{
    [CompiledFact]
    public void The_deployment_outputs_every_app_s_own_https_url()
    {
        var output = (Dictionary<string, object?>)CompiledTemplate.Deployment.Outputs()["ORDERLY_APP_URLS"]!;
        var urls = ((IEnumerable<object?>)output["value"]!).Cast<Dictionary<string, object?>>()
            .ToDictionary(u => (string)u["name"]!, u => u["url"]!.ToString()!);

        Assert.Equal(["checkout", "inventory", "notifications", "operations", "orders", "payments", "shipping"], urls.Keys.Order(StringComparer.Ordinal));
        Assert.All(urls, u =>
        {
            Assert.StartsWith("https://", u.Value, StringComparison.Ordinal);
            // The host name is that app's own site's, known once Azure has created it.
            Assert.Matches($@"^https://\{{reference\(/subscriptions/[^)]*/providers/Microsoft\.Web/sites/func-{u.Key}-[a-z0-9]+\)\.defaultHostName\}}$", u.Value);
        });
    }

    [CompiledFact]
    public void The_operations_app_is_given_every_context_app_s_own_url_for_the_console_s_reads()
    {
        var apps = CompiledApp.All(CompiledTemplate.Deployment);
        var settings = Assert.Single(apps, a => a.Name == "operations").Settings(CompiledTemplate.Deployment);
        using var json = System.Text.Json.JsonDocument.Parse((string)settings["Operations__AppUrls"]!);
        var urls = json.RootElement.EnumerateArray().ToDictionary(u => u.GetProperty("name").GetString()!, u => u.GetProperty("url").GetString()!);

        var contexts = apps.Where(a => a.Name != "operations").ToList();
        Assert.Equal(contexts.Select(a => a.Name).Order(StringComparer.Ordinal), urls.Keys.Order(StringComparer.Ordinal));
        // Computed, not read from the sites (one loop makes them all): each is that site's default host name in the public cloud.
        Assert.All(contexts, app => Assert.Equal($"https://{app.Site.Name}.azurewebsites.net", urls[app.Name]));
    }
}
