using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orderly.Infrastructure.Tests.Arm;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// infra/bicep/main.bicep as the Bicep CLI compiles it, and deployed on paper (<see cref="ArmDeployment"/>) with the
/// parameters azd would pass. The JSON comes from ORDERLY_BICEP_ARM_DIR when tests/run.sh compiled it already; else the
/// CLI that infra/bicep-cli restores from NuGet (ORDERLY_BICEP_CLI overrides where it is) compiles it once here. Without
/// either the tests that need it are skipped, saying why, except under CI=true, where they fail.
/// </summary>
internal static partial class CompiledTemplate
{
    private static readonly Lazy<JsonElement> MainTemplate = new(() => Load("main"));
    private static readonly Lazy<ArmDeployment> MainDeployment = new(() => Deploy(Parameters()));

    /// <summary>What azd passes (main.parameters.json), for a developer signed in as a user.</summary>
    public static Dictionary<string, object?> Parameters() => new()
    {
        ["environmentName"] = "ci",
        ["location"] = "swedencentral",
        ["principalId"] = "11111111-1111-1111-1111-111111111111",
        ["principalType"] = "User",
        ["tenantId"] = "22222222-2222-2222-2222-222222222222",
        ["apiClientId"] = "33333333-3333-3333-3333-333333333333",
        ["apiAudience"] = "",
        ["paymentProvider"] = "simulated",
        ["alertEmail"] = "",
    };

    public static JsonElement Main => MainTemplate.Value;

    /// <summary>main.bicep deployed with <see cref="Parameters"/>.</summary>
    public static ArmDeployment Deployment => MainDeployment.Value;

    public static ArmDeployment Deploy(IReadOnlyDictionary<string, object?> parameters) => ArmDeployment.Deploy(Main, parameters);

    /// <summary>A module's compiled template, as main.json embeds it, found by its module's deployment name (e.g. "sb-access-").</summary>
    public static JsonElement Module(string deploymentNamePrefix) => Main.GetProperty("resources").EnumerateArray()
        .First(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                    && r.GetProperty("name").GetString()!.Contains(deploymentNamePrefix, StringComparison.Ordinal))
        .GetProperty("properties").GetProperty("template");

    /// <summary>Null when the compiled template can be had (or CI=true, where a missing one must fail); else why not.</summary>
    public static string? SkipReason { get; } = FindSkipReason();

    private static string? FindSkipReason()
    {
        if (Environment.GetEnvironmentVariable("CI") == "true") return null;
        if (ArmDirectory() is not null || BicepCli() is { } cli && File.Exists(cli)) return null;
        return $"no compiled Bicep: ORDERLY_BICEP_ARM_DIR is unset and the Bicep CLI is not restored at {BicepCli() ?? "(no NuGet folder)"}; "
               + "run ./tests/run.sh or `dotnet restore infra/bicep-cli/Orderly.BicepCli.csproj`";
    }

    private static string? ArmDirectory() =>
        Environment.GetEnvironmentVariable("ORDERLY_BICEP_ARM_DIR") is { Length: > 0 } dir && File.Exists(Path.Combine(dir, "main.json")) ? dir : null;

    /// <summary>Where infra/bicep-cli restores the CLI: the NuGet global packages folder, at the version its project pins.</summary>
    private static string? BicepCli()
    {
        if (Environment.GetEnvironmentVariable("ORDERLY_BICEP_CLI") is { Length: > 0 } explicitPath) return explicitPath;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".nuget", "packages") : null;
        var version = BicepVersion().Match(Repository.Read("infra/bicep-cli/Orderly.BicepCli.csproj")).Groups[1].Value;
        return packages is null ? null : Path.Combine(packages, "azure.bicep.commandline.linux-x64", version, "tools", "bicep");
    }

    private static JsonElement Load(string entry)
    {
        if (ArmDirectory() is { } dir) return JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, $"{entry}.json"))).RootElement;
        var cli = BicepCli();
        if (cli is null || !File.Exists(cli))
            throw new InvalidOperationException($"CI=true and no compiled Bicep: ORDERLY_BICEP_ARM_DIR is unset and no Bicep CLI at {cli}");
        var output = Path.Combine(Path.GetTempPath(), $"orderly-bicep-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "build", Repository.PathOf($"infra/bicep/{entry}.bicep"), "--outfile", output }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{cli} did not start");
        var diagnostics = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000) || process.ExitCode != 0) throw new InvalidOperationException($"bicep build {entry}.bicep failed: {diagnostics.Result}");
        try
        {
            return JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        }
        finally
        {
            File.Delete(output);
        }
    }

    [GeneratedRegex(@"<BicepVersion>([^<]+)</BicepVersion>")]
    private static partial Regex BicepVersion();
}

/// <summary>A fact on the compiled template: skipped, with the reason, where no compiled template can be had (never in CI).</summary>
public sealed class CompiledFactAttribute : FactAttribute
{
    public CompiledFactAttribute() => Skip = CompiledTemplate.SkipReason;
}

/// <summary>A theory on the compiled template: skipped like <see cref="CompiledFactAttribute"/>.</summary>
public sealed class CompiledTheoryAttribute : TheoryAttribute
{
    public CompiledTheoryAttribute() => Skip = CompiledTemplate.SkipReason;
}
