using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>The shell projects are marked (so the test command can skip them where packages are missing) and configured alike.</summary>
public sealed class ShellProjectTests
{
    // Neither Azure.Messaging.ServiceBus nor Microsoft.DurableTask.* is here: both restore on the partial mirror too, so the
    // Service Bus adapter and the Durable adapter (orchestrations/Orderly.Orchestrations.Durable) build and are tested
    // everywhere. The Functions extensions for them are caught by the worker's prefix.
    private static readonly string[] AzureOnlyPackages =
        ["Microsoft.Azure.Functions.Worker", "Microsoft.Azure.Functions.Worker.Extensions"];

    private static readonly string[] ProjectFolders = ["building-blocks", "functions", "orchestrations", "shared-contracts", "tests"];

    private static IEnumerable<string> AllProjects() => ProjectFolders.SelectMany(d => Repository.FilesUnder(d, ".csproj"));

    private static IEnumerable<string> FunctionProjects() =>
        AllProjects().Where(p => Path.GetFileNameWithoutExtension(p).EndsWith(".Functions", StringComparison.Ordinal));

    [Fact]
    public void Every_project_using_azure_only_packages_is_marked_shell_and_in_the_solution()
    {
        var solution = Repository.Read("Orderly.slnx");
        var shell = AllProjects().Where(p =>
        {
            var text = File.ReadAllText(p);
            return AzureOnlyPackages.Any(pkg => text.Contains($"Include=\"{pkg}", StringComparison.Ordinal));
        }).ToList();
        Assert.NotEmpty(shell);
        Assert.All(shell, p =>
        {
            Assert.Contains("<OrderlyShell>true</OrderlyShell>", File.ReadAllText(p));
            Assert.Contains($"Path=\"{Repository.Relative(p)}\"", solution);
        });
    }

    [Fact]
    public void The_durable_adapter_is_no_shell_project_and_needs_no_functions_package()
    {
        var adapter = Repository.Read("orchestrations/Orderly.Orchestrations.Durable/Orderly.Orchestrations.Durable.csproj");
        Assert.DoesNotContain("<OrderlyShell>", adapter, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.Azure.Functions", adapter, StringComparison.Ordinal);
        Assert.Contains("Path=\"orchestrations/Orderly.Orchestrations.Durable/Orderly.Orchestrations.Durable.csproj\"", Repository.Read("Orderly.slnx"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Every_function_app_settles_messages_itself_and_caps_concurrency()
    {
        var apps = FunctionProjects().ToList();
        Assert.NotEmpty(apps);
        Assert.All(apps, project =>
        {
            var folder = Path.GetDirectoryName(project)!;
            using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "host.json")));
            Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
            if (!File.ReadAllText(project).Contains("Extensions.ServiceBus", StringComparison.Ordinal)) return;
            var serviceBus = host.RootElement.GetProperty("extensions").GetProperty("serviceBus");
            Assert.False(serviceBus.GetProperty("autoCompleteMessages").GetBoolean(), $"{project}: the pipeline settles, not the host");
            Assert.InRange(serviceBus.GetProperty("maxConcurrentCalls").GetInt32(), 1, 32);
        });
    }

    [Fact]
    public void Every_function_app_has_a_local_settings_sample_and_no_real_local_settings_in_git()
    {
        Assert.Contains("local.settings.json", Repository.Read(".gitignore"));
        Assert.All(FunctionProjects(), project =>
        {
            var sample = Path.Combine(Path.GetDirectoryName(project)!, "local.settings.sample.json");
            Assert.True(File.Exists(sample), $"missing {Repository.Relative(sample)}");
            using var settings = JsonDocument.Parse(File.ReadAllText(sample));
            Assert.Equal("dotnet-isolated", settings.RootElement.GetProperty("Values").GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        });
    }

    [Fact]
    public void Service_bus_triggers_never_auto_complete()
    {
        var triggers = FunctionProjects().SelectMany(p => Repository.FilesUnder(Repository.Relative(Path.GetDirectoryName(p)!), ".cs"))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\[ServiceBusTrigger\([^\]]*\]").Select(m => (File: Repository.Relative(f), m.Value)))
            .ToList();
        Assert.All(triggers, t => Assert.True(t.Value.Contains("AutoCompleteMessages = false", StringComparison.Ordinal), $"{t.File}: {t.Value}"));
    }
}
