using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// Zero trust at the door (ORDERLY.md, "Identity and access"): in Azure every app sits behind App Service Authentication
/// (401 without a valid Entra token, except the routes anonymous by design) and validates the token itself from the Auth__
/// settings; the emulator samples carry the same settings; the payments app is told which provider takes the money.
/// </summary>
public sealed class IdentityTests
{
    private const string FunctionAppModule = "infra/bicep/modules/function-app.bicep";
    private static readonly string[] AuthSettings = ["Auth__Issuer", "Auth__Audience", "Auth__MetadataAddress"];

    // ORDERLY.md "anyone": liveness health, catalog reads (product, availability), OpenAPI documents (the Function Apps
    // serve none). App Service Authentication excludes by path, not method, so an excluded path also lets through the
    // non-GET routes below it, and the app's own check is all that guards those: they are named here on purpose.
    private static readonly string[] AnonymousByDesign = ["GET health", "GET inventory/products/{sku}", "GET inventory/availability"];
    private static readonly string[] GuardedOnlyByTheApp = ["PUT inventory/products/{sku}", "POST inventory/products/{sku}/stock"];

    private static readonly Regex Trigger = new(@"\[HttpTrigger\((?<level>AuthorizationLevel\.\w+),\s*""(?<method>\w+)"",\s*Route\s*=\s*""(?<route>[^""]+)""\)\]");

    private static readonly string[] AllContexts = ["orders", "inventory", "payments", "shipping", "notifications", "checkout"];

    public static TheoryData<string> Contexts() => new(AllContexts);

    private static string AppFolder(string context) =>
        context == "checkout"
            ? "orchestrations/checkout/Orderly.Checkout.Functions"
            : $"functions/{context}/Orderly.{char.ToUpperInvariant(context[0])}{context[1..]}.Functions";

    private static IReadOnlyList<(string Level, string Route)> TriggersOf(string context) =>
        Repository.FilesUnder(AppFolder(context), ".cs")
            .SelectMany(f => Trigger.Matches(File.ReadAllText(f)))
            .Select(m => (m.Groups["level"].Value, $"{m.Groups["method"].Value.ToUpperInvariant()} {m.Groups["route"].Value}"))
            .ToList();

    private static Dictionary<string, object> AuthSettingsV2() => BicepLiteral.Resource(Repository.Read(FunctionAppModule), "authentication");

    private static Dictionary<string, Dictionary<string, object>> Apps() =>
        ((List<object>)BicepLiteral.Variable(Repository.Read(BicepApp.MainBicep), "apps")).Cast<Dictionary<string, object>>()
            .ToDictionary(a => (string)a["name"]);

    /// <summary>The paths App Service Authentication lets through for one app: /api/health plus its anonymousPaths.</summary>
    private static IReadOnlyList<string> ExcludedPaths(string context) =>
        BicepLiteral.Strings(Apps()[context]["anonymousPaths"]).Prepend("/api/health").ToList();

    // A trailing /* matches everything below the path (assume across segments: the wider reading is the safe one here).
    private static bool Excludes(string excludedPath, string route)
    {
        var path = "/api/" + route.Split(' ', 2)[1];
        return excludedPath.EndsWith("/*", StringComparison.Ordinal)
            ? path.StartsWith(excludedPath[..^1], StringComparison.Ordinal) && path.Length > excludedPath.Length - 1
            : path == excludedPath;
    }

    [Fact]
    public void Every_function_app_is_behind_app_service_authentication_that_answers_401_without_a_token()
    {
        var module = Repository.Read(FunctionAppModule);
        // Nested in the site (Microsoft.Web/sites/config), in the one module that makes every app.
        Assert.Matches(@"(?m)^  resource authentication 'config' = \{", module);
        Assert.Single(Regex.Matches(module, @"(?m)^resource \w+ 'Microsoft\.Web/sites@"));
        Assert.Contains("module functionApps 'modules/function-app.bicep' = [for app in functionAppRows: {", Repository.Read(BicepApp.MainBicep));
        // No other template makes a site that would lack the door.
        Assert.All(Repository.FilesUnder("infra/bicep", ".bicep").Where(f => !f.EndsWith("function-app.bicep", StringComparison.Ordinal)),
            f => Assert.DoesNotContain("'Microsoft.Web/sites", File.ReadAllText(f)));

        var auth = AuthSettingsV2();
        Assert.Equal("authsettingsV2", auth["name"]);
        Assert.Equal(true, BicepLiteral.At(auth, "properties.platform.enabled"));
        Assert.Equal(true, BicepLiteral.At(auth, "properties.globalValidation.requireAuthentication"));
        Assert.Equal("Return401", BicepLiteral.At(auth, "properties.globalValidation.unauthenticatedClientAction"));
        Assert.Equal("union([ '/api/health' ], anonymousPaths)", BicepLiteral.At(auth, "properties.globalValidation.excludedPaths"));
        Assert.Equal(true, BicepLiteral.At(auth, "properties.httpSettings.requireHttps"));
    }

    [Fact]
    public void The_outer_door_trusts_the_same_issuer_and_audience_as_the_app_and_holds_no_secret()
    {
        var auth = AuthSettingsV2();
        var entra = (Dictionary<string, object>)BicepLiteral.At(auth, "properties.identityProviders.azureActiveDirectory");
        Assert.Equal(true, entra["enabled"]);
        Assert.Equal("authClientId", BicepLiteral.At(entra, "registration.clientId"));
        Assert.Equal("authIssuer", BicepLiteral.At(entra, "registration.openIdIssuer"));
        Assert.Equal(["authAudience"], BicepLiteral.Strings(BicepLiteral.At(entra, "validation.allowedAudiences")));
        // Bearer tokens only: no login flow, so no client secret or certificate, and no token store.
        Assert.Equal(["clientId", "openIdIssuer"], ((Dictionary<string, object>)entra["registration"]).Keys.Order());
        Assert.Equal(false, BicepLiteral.At(auth, "properties.login.tokenStore.enabled"));
        Assert.Single(((Dictionary<string, object>)BicepLiteral.At(auth, "properties.identityProviders")).Keys);
    }

    [Fact]
    public void Every_app_gets_the_auth_settings_its_own_token_check_reads()
    {
        var module = Repository.Read(FunctionAppModule);
        Assert.Contains("      Auth__Issuer: authIssuer\n", module);
        Assert.Contains("      Auth__Audience: authAudience\n", module);
        Assert.Contains("      Auth__MetadataAddress: '${authIssuer}/.well-known/openid-configuration'\n", module);
        Assert.Contains("      Auth__SubjectClaim: 'oid'\n", module);
        // Required module parameters (no default), so no app can be made without them; main.bicep passes them to every app.
        foreach (var param in new[] { "authClientId", "authIssuer", "authAudience" })
            Assert.Matches($@"(?m)^param {param} string\s*$", module);
        var main = Repository.Read(BicepApp.MainBicep);
        Assert.Contains("    authClientId: auth.clientId\n    authIssuer: auth.issuer\n    authAudience: auth.audience\n", main);
        // Tokens of the tenant's v2 endpoint, in whatever cloud the deployment runs in; v2 access tokens carry the client id in aud.
        Assert.Contains("issuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'", main);
        Assert.Contains("audience: empty(apiAudience) ? apiClientId : apiAudience", main);
        // One source for them: no app's own settings names an Auth__ setting (union would let the module's win anyway).
        Assert.All(BicepApp.All(), app => Assert.DoesNotContain(app.Settings.Keys, k => k.StartsWith("Auth__", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_tenant_and_the_api_registration_are_required_and_come_from_azd()
    {
        var main = Repository.Read(BicepApp.MainBicep);
        using var parameters = JsonDocument.Parse(Repository.Read("infra/bicep/main.parameters.json"));
        var values = parameters.RootElement.GetProperty("parameters");
        foreach (var (param, variable) in new[] { ("tenantId", "AZURE_TENANT_ID"), ("apiClientId", "ORDERLY_API_CLIENT_ID") })
        {
            // A GUID or nothing: provisioning stops before any resource exists, and the description says what to set.
            var declaration = Regex.Match(main, $@"@minLength\(36\)\n@maxLength\(36\)\n@description\('(?<description>[^\n]*)'\)\nparam {param} string\n");
            Assert.True(declaration.Success, $"param {param} must be a required 36-character string");
            Assert.Contains(variable, declaration.Groups["description"].Value);
            Assert.Equal("${" + variable + "}", values.GetProperty(param).GetProperty("value").GetString());
        }
        Assert.Equal("${ORDERLY_API_AUDIENCE}", values.GetProperty("apiAudience").GetProperty("value").GetString());
        Assert.Matches(@"(?m)^param apiAudience string = ''$", main);
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Only_the_routes_anonymous_by_design_pass_the_outer_door_without_a_token(string context)
    {
        var triggers = TriggersOf(context);
        var excluded = ExcludedPaths(context);

        // Each excluded path reaches a route of this app, and every route it lets through is public by design or, for a
        // non-GET on the same path, one the app's own check guards.
        Assert.All(excluded, path => Assert.Contains(triggers, t => Excludes(path, t.Route)));
        var letThrough = triggers.Where(t => excluded.Any(p => Excludes(p, t.Route))).Select(t => t.Route).ToList();
        Assert.All(letThrough, route => Assert.True(AnonymousByDesign.Contains(route) || GuardedOnlyByTheApp.Contains(route),
            $"{context}: {route} passes App Service Authentication without a token but is not anonymous by design"));
        // And nothing public by design is turned away at the outer door.
        Assert.All(triggers.Where(t => AnonymousByDesign.Contains(t.Route)), t =>
            Assert.True(excluded.Any(p => Excludes(p, t.Route)), $"{context}: {t.Route} is public but App Service Authentication would answer 401"));
    }

    [Fact]
    public void The_path_matching_of_the_check_reads_a_trailing_star_as_everything_below()
    {
        Assert.True(Excludes("/api/inventory/products/*", "GET inventory/products/{sku}"));
        Assert.True(Excludes("/api/inventory/products/*", "POST inventory/products/{sku}/stock"));
        Assert.False(Excludes("/api/inventory/products/*", "GET inventory/availability"));
        Assert.False(Excludes("/api/health", "GET healthz"));
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Http_triggers_stay_anonymous_at_the_functions_host_because_a_function_key_is_a_shared_secret_not_an_identity(string context)
    {
        var triggers = TriggersOf(context);
        Assert.NotEmpty(triggers);
        Assert.All(triggers, t => Assert.Equal("AuthorizationLevel.Anonymous", t.Level));
    }

    [Fact]
    public void The_payments_app_is_told_which_provider_takes_the_money_and_nothing_defaults_it()
    {
        var main = Repository.Read(BicepApp.MainBicep);
        var payments = Assert.Single(BicepApp.All(), a => a.Name == "payments");
        Assert.Equal("paymentProvider", payments.Settings["Payments__Provider"]);
        Assert.All(BicepApp.All().Where(a => a.Name != "payments"), a => Assert.False(a.Settings.ContainsKey("Payments__Provider"), a.Name));
        Assert.Matches(@"(?m)^param paymentProvider string\s*$", main);
        Assert.Matches(@"@description\('[^\n]*ORDERLY_PAYMENT_PROVIDER[^\n]*'\)\nparam paymentProvider string", main);
        using var parameters = JsonDocument.Parse(Repository.Read("infra/bicep/main.parameters.json"));
        Assert.Equal("${ORDERLY_PAYMENT_PROVIDER}", parameters.RootElement.GetProperty("parameters").GetProperty("paymentProvider").GetProperty("value").GetString());
        // The name the payments core reads, which refuses to start without it.
        var core = Repository.Read("functions/payments/Orderly.Payments/Provider/PaymentProviders.cs");
        Assert.Contains("EnvironmentVariable = \"Payments__Provider\"", core);
        Assert.Contains("Setting = \"Payments:Provider\"", core);
    }

    [Fact]
    public void No_app_setting_the_module_writes_carries_a_secret()
    {
        var module = Repository.Read(FunctionAppModule);
        var start = module.IndexOf("name: 'appsettings'", StringComparison.Ordinal);
        var block = module[start..module.IndexOf("    })\n", start, StringComparison.Ordinal)];
        var settings = Regex.Matches(block, @"(?m)^      (?<name>\w+): (?<value>.+)$").Select(m => (m.Groups["name"].Value, m.Groups["value"].Value)).ToList();
        Assert.Contains(settings, s => s.Item1 == "Auth__Issuer");
        // The App Insights connection string names the ingestion endpoint; with local auth off it authorizes nothing
        // (telemetry is sent with the identity: Authorization=AAD), so it is the one "connection string" allowed.
        Assert.All(settings.Where(s => s.Item1 != "APPLICATIONINSIGHTS_CONNECTION_STRING"),
            s => Assert.DoesNotMatch(@"(?i)key|secret|password|connectionstring|sig=", s.Item1 + "=" + s.Item2));
    }

    private static int LocalHttpPort(string context)
    {
        using var sample = JsonDocument.Parse(Repository.Read($"{AppFolder(context)}/local.settings.sample.json"));
        return sample.RootElement.GetProperty("Host").GetProperty("LocalHttpPort").GetInt32();
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Each_emulator_sample_carries_the_auth_settings_azure_sets_pointing_at_the_local_hosts_dev_issuer(string context)
    {
        using var sample = JsonDocument.Parse(Repository.Read($"{AppFolder(context)}/local.settings.sample.json"));
        var values = sample.RootElement.GetProperty("Values");
        var set = values.EnumerateObject().Where(p => p.Name.StartsWith("Auth__", StringComparison.Ordinal)).ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var bicep = Regex.Matches(Repository.Read(FunctionAppModule), @"(?m)^      (?<name>Auth__\w+):").Select(m => m.Groups["name"].Value);

        Assert.Equal(bicep.Order(), set.Keys.Order());
        Assert.All(AuthSettings, name => Assert.False(string.IsNullOrWhiteSpace(set[name]), name));
        // One token for every app behind the gateway: the dev issuer of a local host started beside them (docs/azure-shell.md,
        // "Emulator mode"), whose issuer and audience these must name; its metadata is plain HTTP, allowed on loopback only.
        var devIssuer = Repository.Read("functions/local-host/Orderly.LocalHost/DevTokens/DevTokenIssuer.cs");
        Assert.Contains($"const string Issuer = \"{set["Auth__Issuer"]}\";", devIssuer);
        Assert.Contains($"const string Audience = \"{set["Auth__Audience"]}\";", devIssuer);
        var metadata = new Uri(set["Auth__MetadataAddress"]);
        Assert.True(metadata.IsLoopback, "the dev issuer's metadata is on this machine");
        Assert.Equal("/.well-known/openid-configuration", metadata.AbsolutePath);
        Assert.DoesNotContain(metadata.Port, AllContexts.Select(LocalHttpPort).Append(7070)); // 7070: infra/emulators/gateway.mjs
        Assert.Equal("sub", set["Auth__SubjectClaim"]);
        Assert.Equal(context == "payments", values.TryGetProperty("Payments__Provider", out var provider));
        if (context == "payments") Assert.Equal("simulated", provider.GetString());
    }
}
