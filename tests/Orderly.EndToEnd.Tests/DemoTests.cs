using System.Diagnostics;
using System.Reflection;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// The demo the README names (<c>dotnet run --project functions/local-host/Orderly.Demo</c>) runs as written against a fresh
/// local host: every scenario ends as it says, and this run's dead letters are found and ignored with a note.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task The_demo_runs_every_scenario_and_says_how_each_ended()
    {
        // Short step timeout (ShopHost's 3 s) so the timeout scenario takes seconds; one delivery of a 1 s provider call so
        // the timeout card's authorize commands are dead-lettered before the triage looks.
        await using var host = await ShopHost.StartOwnAsync(new Dictionary<string, string>
        {
            ["Messaging__Consumer__MaxDeliveryCount"] = "1",
            ["Payments__ProviderTimeout"] = "00:00:01",
        });

        var (exit, output, error) = await RunDemoAsync(host.BaseUrl);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        string[] outcomes =
        [
            "Confirmed after", // happy path
            "Cancelled payment-declined after",
            "Cancelled out-of-stock after",
            "Cancelled shipping-unavailable after",
            "Confirmed after", // flaky card
            "Cancelled timeout after",
        ];
        var said = output.Split('\n').Select(l => l.Trim()).Where(l => outcomes.Any(o => l.StartsWith(o, StringComparison.Ordinal))).ToList();
        Assert.Equal(outcomes, said.Select(l => outcomes.First(o => l.StartsWith(o, StringComparison.Ordinal))));
        Assert.Contains("tshirt-blue on hand 100 -> 98, reserved 0", output, StringComparison.Ordinal);
        Assert.Contains("-> Ignored with a note", output, StringComparison.Ordinal);
        Assert.Contains("every scenario ended as expected", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Help_lists_the_options_and_runs_nothing()
    {
        var (exit, output, _) = await RunDemoAsync(new Uri("http://127.0.0.1:9/"), "--help");

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: Orderly.Demo [options]", output, StringComparison.Ordinal);
        Assert.Contains("--base-url", output, StringComparison.Ordinal);
        Assert.DoesNotContain("== happy path", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Out, string Error)> RunDemoAsync(Uri baseUrl, params string[] arguments)
    {
        var dll = typeof(DemoTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DemoDll").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["ORDERLY_BASE_URL"] = baseUrl.ToString();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
