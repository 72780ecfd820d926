namespace Orderly.Infrastructure.Tests;

/// <summary>The services of azure.yaml, read line by line (two-space indentation, as azd writes it).</summary>
internal static class AzureYaml
{
    public sealed record Service(string Name, IReadOnlyDictionary<string, string> Settings);

    public static IReadOnlyList<Service> Services(string yaml)
    {
        var services = new List<Service>();
        var inServices = false;
        string? current = null;
        Dictionary<string, string> settings = [];
        foreach (var raw in yaml.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var content = line.Split('#')[0].TrimEnd();
            if (content.Length == 0) continue;
            var indent = content.Length - content.TrimStart().Length;
            if (indent == 0)
            {
                inServices = content == "services:";
                continue;
            }
            if (!inServices) continue;
            if (indent == 2 && content.EndsWith(':'))
            {
                if (current is not null) services.Add(new Service(current, settings));
                current = content.Trim().TrimEnd(':');
                settings = [];
            }
            else if (indent == 4 && current is not null)
            {
                var parts = content.Trim().Split(':', 2);
                settings[parts[0].Trim()] = parts[1].Trim();
            }
        }
        if (current is not null) services.Add(new Service(current, settings));
        return services;
    }
}
