using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Orderly.Functions.Tests;

/// <summary>Builds a Function App's host the way its Program.cs does, configured from the app's own local.settings.sample.json.</summary>
internal static class AppHosts
{
    public static IHost Build(string appFolder, Func<FunctionsApplicationBuilder, FunctionsApplicationBuilder> addApp,
        Action<FunctionsApplicationBuilder>? replace = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(SampleSettings(appFolder));
        addApp(builder);
        replace?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>The sample's <c>Values</c>, as the host hands them to the worker: environment variables, <c>__</c> meaning <c>:</c>.</summary>
    public static Dictionary<string, string?> SampleSettings(string appFolder)
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, appFolder, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());
    }

    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Orderly.slnx not found above " + AppContext.BaseDirectory);
    }
}
