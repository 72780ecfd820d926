using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>Zero trust: no template, setting or file of the shell carries a key; identities and Entra ID do.</summary>
public sealed class NoSecretsTests
{
    // The documented, public keys of the local emulators; allowed only in local samples and docs.
    private const string CosmosEmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
    private const string ServiceBusEmulatorKey = "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true";

    private static readonly Regex SecretBearing = new(
        @"AccountKey=|SharedAccessKey|listKeys\(|primaryMasterKey|primaryKey|SharedAccessSignature=|ConnectionString""?\s*[:=]\s*""[^""]*Key=(?!\w*;?InstrumentationKey)",
        RegexOptions.IgnoreCase);

    private static readonly string[] TopLevelFiles = ["azure.yaml", "docker-compose.emulators.yml", "docs/azure-shell.md"];

    private static readonly Regex RawKey = new(@"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==");

    public static TheoryData<string> ShellFiles()
    {
        var data = new TheoryData<string>();
        var files = TopLevelFiles
            .Where(f => File.Exists(Repository.PathOf(f))).Select(Repository.PathOf)
            .Concat(Repository.FilesUnder("infra", ".bicep", ".json", ".mjs", ".yml"))
            .Concat(Repository.FilesUnder(".github", ".yml", ".yaml"))
            .Concat(Repository.FilesUnder("functions", ".json", ".cs"))
            .Concat(Repository.FilesUnder("orchestrations", ".json"))
            .Concat(Repository.FilesUnder("building-blocks/Orderly.Messaging.ServiceBus", ".cs", ".json"))
            .Where(f => !f.EndsWith("package-lock.json", StringComparison.Ordinal));
        foreach (var f in files) data.Add(Repository.Relative(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(ShellFiles))]
    public void No_file_carries_a_key(string file)
    {
        var text = File.ReadAllText(Repository.PathOf(file));
        var local = file.EndsWith("local.settings.sample.json", StringComparison.Ordinal) || file == "docs/azure-shell.md";
        if (local) text = text.Replace("AccountKey=" + CosmosEmulatorKey, "", StringComparison.Ordinal).Replace(ServiceBusEmulatorKey, "", StringComparison.Ordinal);
        // A raw account key (88 base64 characters) that is not the emulator's published one.
        var rawKeys = RawKey.Matches(text).Where(m => m.Value != CosmosEmulatorKey).Select(m => $"{file}: raw key {m.Value[..8]}...");
        Assert.Empty(rawKeys);
        var hits = text.Split('\n').Select((line, i) => (line, i)).Where(l => SecretBearing.IsMatch(l.line))
            .Select(l => $"{file}:{l.i + 1}: {l.line.Trim()}").ToList();
        Assert.Empty(hits);
    }

    [Fact]
    public void The_key_check_catches_keys()
    {
        Assert.Matches(SecretBearing, "\"AzureWebJobsStorage\": \"DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc\"");
        Assert.Matches(SecretBearing, "value: listKeys(sb.id, '2021-11-01').primaryConnectionString");
        Assert.Matches(SecretBearing, "\"ServiceBusConnection\": \"Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=abc\"");
        Assert.DoesNotMatch(SecretBearing, "APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString");
        Assert.Matches(RawKey, "key: 'Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYm=='");
    }
}
