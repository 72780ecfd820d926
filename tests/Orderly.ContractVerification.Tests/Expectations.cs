using System.Text.Json;

namespace Orderly.ContractVerification.Tests;

/// <summary>One field a consumer relies on: a path into the envelope (<c>data.items[].quantity</c>) and its rules.</summary>
/// <param name="Declared">
/// <c>reads</c> (the consumer's code uses it) or <c>requires</c> (its reader rejects a message without it, though the code ignores it).
/// </param>
public sealed record FieldRule(string Path, string Declared, JsonElement Rules)
{
    public bool Optional => Rules.TryGetProperty("optional", out var o) && o.GetBoolean();
}

/// <summary>What one consumer relies on in one message type arriving on one entity, and a sample it must accept.</summary>
public sealed record MessageExpectation(string Consumer, string Type, string From, string Handler, IReadOnlyList<FieldRule> Fields, JsonElement Sample)
{
    /// <summary>The queue or topic the message is sent to (<c>orders-events</c> for <c>orders-events/subscriptions/checkout</c>).</summary>
    public string Destination => From.Split("/subscriptions/")[0];

    public override string ToString() => $"{Consumer} <- {Type}";
}

/// <summary>Loads <c>shared-contracts/expectations/*.json</c>, one file per consuming context.</summary>
public static class Expectations
{
    public static readonly string Directory = Path.Combine(RepositoryRoot(), "shared-contracts", "expectations");

    public static IReadOnlyList<MessageExpectation> All { get; } = Load();

    /// <summary>xUnit data: every expectation, by consumer and type.</summary>
    public static TheoryData<string, string, string> Keys()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var e in All) data.Add(e.Consumer, e.Type, e.From);
        return data;
    }

    public static MessageExpectation Find(string consumer, string type, string from) =>
        All.Single(e => e.Consumer == consumer && e.Type == type && e.From == from);

    private static List<MessageExpectation> Load()
    {
        var all = new List<MessageExpectation>();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement;
            var consumer = root.GetProperty("consumer").GetString()!;
            if (consumer != Path.GetFileNameWithoutExtension(file))
                throw new InvalidDataException($"{file}: 'consumer' must be the file's name");
            foreach (var m in root.GetProperty("messages").EnumerateArray())
            {
                var fields = new List<FieldRule>();
                foreach (var list in new[] { "reads", "requires" })
                {
                    if (!m.TryGetProperty(list, out var rules)) continue;
                    fields.AddRange(rules.EnumerateObject().Select(p => new FieldRule(p.Name, list, p.Value.Clone())));
                }
                all.Add(new MessageExpectation(consumer, m.GetProperty("type").GetString()!, m.GetProperty("from").GetString()!,
                    m.GetProperty("handler").GetString()!, fields, m.GetProperty("sample").Clone()));
            }
        }
        return all;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Orderly.slnx not found above " + AppContext.BaseDirectory);
    }
}
