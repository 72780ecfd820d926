using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>main.bicep passes each module exactly the parameters it declares (what the Bicep compiler would reject, checked without it).</summary>
public sealed class BicepModuleTests
{
    private static readonly Regex ModuleCall = new(@"(?m)^module (?<symbol>\w+) '(?<path>[^']+)'");
    private static readonly Regex Param = new(@"(?m)^param (?<name>\w+) [^\n=]+(?<default>=)?");

    public static TheoryData<string> Modules()
    {
        var data = new TheoryData<string>();
        foreach (Match m in ModuleCall.Matches(Repository.Read(BicepApp.MainBicep))) data.Add(m.Groups["symbol"].Value);
        return data;
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Each_module_gets_every_required_parameter_and_no_unknown_one(string symbol)
    {
        var main = Repository.Read(BicepApp.MainBicep);
        var call = ModuleCall.Matches(main).Single(m => m.Groups["symbol"].Value == symbol);
        var paramsAt = main.IndexOf("  params: {\n", call.Index, StringComparison.Ordinal);
        var paramsEnd = main.IndexOf("\n  }\n", paramsAt, StringComparison.Ordinal);
        var passed = Regex.Matches(main[paramsAt..paramsEnd], @"(?m)^    (?<name>\w+):").Select(m => m.Groups["name"].Value).ToList();

        var module = Repository.Read("infra/bicep/" + call.Groups["path"].Value);
        var declared = Param.Matches(module).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Success);

        Assert.All(passed, p => Assert.True(declared.ContainsKey(p), $"{symbol} passes {p}, which {call.Groups["path"].Value} does not declare"));
        Assert.All(declared.Where(d => !d.Value).Select(d => d.Key), required => Assert.Contains(required, passed));
    }
}
