using System.Text.Json;
using Orderly.Infrastructure.Tests.Arm;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// azd fills AZURE_PRINCIPAL_ID with whoever runs it, a user at a desk or a pipeline's service principal, and
/// AZURE_PRINCIPAL_TYPE with which of the two (azure-dev pkg/infra/provisioning: ClientIdLoginType is ServicePrincipal).
/// A role assignment naming the wrong type fails with UnmatchedPrincipalType, so the type is passed through, never assumed.
/// </summary>
public sealed class CompiledDeveloperAccessTests
{
    public static TheoryData<string> PrincipalTypes() => new("User", "ServicePrincipal");

    [CompiledTheory]
    [MemberData(nameof(PrincipalTypes))]
    public void The_developer_grant_names_the_principal_type_azd_reports(string principalType)
    {
        var parameters = CompiledTemplate.Parameters();
        parameters["principalType"] = principalType;
        var deployment = CompiledTemplate.Deploy(parameters);
        var developer = Grant.All(deployment).Where(g => g.Is(parameters["principalId"]) && g.Resource.Type == "Microsoft.Authorization/roleAssignments").ToList();
        Assert.NotEmpty(developer);
        Assert.All(developer, g => Assert.Equal(principalType, g.Resource.At("properties.principalType")));
    }

    [CompiledFact]
    public void The_principal_type_comes_from_azd_and_is_one_azd_can_report()
    {
        using var file = JsonDocument.Parse(Repository.Read("infra/bicep/main.parameters.json"));
        Assert.Equal("${AZURE_PRINCIPAL_TYPE}", file.RootElement.GetProperty("parameters").GetProperty("principalType").GetProperty("value").GetString());
        var declared = CompiledTemplate.Main.GetProperty("parameters").GetProperty("principalType");
        Assert.Equal(["ServicePrincipal", "User"], declared.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()).Order());
        var parameters = CompiledTemplate.Parameters();
        parameters["principalType"] = "Group";
        Assert.Throws<ArgumentException>(() => CompiledTemplate.Deploy(parameters));
    }
}
