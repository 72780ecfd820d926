using System.Diagnostics;

namespace Orderly.Infrastructure.Tests;

/// <summary>Every Bicep file parses (tree-sitter-bicep via infra/check-bicep.mjs), so `azd up` does not fail on a typo.</summary>
public sealed class BicepSyntaxTests
{
    [Fact]
    public void Every_bicep_file_parses_without_syntax_errors()
    {
        var (exit, output) = RunChecker();
        Assert.True(exit == 0, output);
        Assert.Contains("0 with syntax errors", output);
    }

    [Fact]
    public void The_syntax_check_reports_a_broken_file_with_its_position()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"orderly-broken-{Guid.NewGuid():N}.bicep");
        File.WriteAllText(broken, "param name string\nresource app 'Microsoft.Web/sites@2024-04-01' = {\n  name: name\n  properties: {\n}\n");
        try
        {
            var (exit, output) = RunChecker(broken);
            Assert.Equal(1, exit);
            Assert.Matches(@"error .*broken-[0-9a-f]+\.bicep:\d+:\d+ (ERROR|MISSING)", output);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    private static (int Exit, string Output) RunChecker(params string[] files)
    {
        Assert.True(Directory.Exists(Repository.PathOf("infra/node_modules/tree-sitter-bicep")),
            "tree-sitter-bicep is not installed: run npm ci in infra (tests/run.sh does it when npm is available)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("infra/check-bicep.mjs");
        foreach (var f in files) start.ArgumentList.Add(f);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "check-bicep.mjs did not finish in 60 s");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
