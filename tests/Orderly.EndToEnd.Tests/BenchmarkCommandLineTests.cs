using System.Diagnostics;
using System.Reflection;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// The benchmarks are a person's tool too: <c>--help</c> lists a command's options and runs nothing, and a mistyped option or
/// value stops the run naming it, instead of firing 200 orders at whatever listens on 7071.
/// </summary>
public sealed class BenchmarkCommandLineTests
{
    private static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] arguments)
    {
        var dll = typeof(BenchmarkCommandLineTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BenchmarksDll").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Were the command to run after all, it would find no shop here and fail: nothing listens on this address.
        start.Environment["ORDERLY_BASE_URL"] = "http://127.0.0.1:9";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Theory]
    [InlineData("load", "--orders", "--concurrency", "--rate", "--token")]
    [InlineData("store", "--writers", "--seconds", "--dir")]
    [InlineData("bus", "--messages", "--mode")]
    [InlineData("cost", "--checkouts", "--engine", "--memory-mb")]
    [InlineData("peers", "--sagas", "--engines", "--warmup")]
    [InlineData("startup", "--orders", "--starts", "--seed-checkouts", "--data", "--dll")]
    [InlineData("memory", "--orders", "--concurrency", "--every", "--dll")]
    public async Task Help_lists_the_command_s_options_and_runs_nothing(string command, params string[] options)
    {
        var (exit, output, error) = await RunAsync(command, "--help");

        Assert.Equal(0, exit);
        Assert.StartsWith($"usage: Orderly.Benchmarks {command} [options]", output, StringComparison.Ordinal);
        Assert.All(options, o => Assert.Contains(o, output, StringComparison.Ordinal));
        Assert.DoesNotContain("orders against", output, StringComparison.Ordinal); // the load's first line: it never started
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("load --order 5", "unknown option --order")]
    [InlineData("load --orders many", "--orders 'many' is not a whole number")]
    [InlineData("bus --messages", "--messages needs a value")]
    [InlineData("cost --checkout 5", "unknown option --checkout")]
    [InlineData("cost --engine cloud", "--engine 'cloud' is neither azure-storage nor embedded")]
    [InlineData("peers --engines embedded,dapr", "unknown engine 'dapr'")]
    [InlineData("peers --sagas 0", "--sagas '0' is not a whole number of at least 1")]
    [InlineData("startup --start 3", "unknown option --start")]
    [InlineData("memory --orders lots", "--orders 'lots' is not a whole number")]
    public async Task A_mistyped_option_stops_the_run_naming_it(string commandLine, string said)
    {
        var (exit, output, error) = await RunAsync(commandLine.Split(' '));

        Assert.Equal(2, exit);
        Assert.Contains(said, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Help_without_a_command_lists_the_commands()
    {
        var (exit, output, _) = await RunAsync("--help");

        Assert.Equal(0, exit);
        foreach (var command in new[] { "bus", "cost", "load", "memory", "peers", "startup", "store" })
            Assert.Matches($@"<([a-z]+\|)*{command}(\|[a-z]+)*>", output);
    }
}
