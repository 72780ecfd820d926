using System.Text.Json;
using System.Text.Json.Nodes;
using Orderly.Contracts;

namespace Orderly.ContractVerification.Tests;

/// <summary>
/// Consumer side: each consumer's own reader accepts its sample, which holds only the fields it declared (so it relies on
/// nothing else), with unknown fields added at every level (so it tolerates additions).
/// </summary>
public sealed class ConsumerVerificationTests
{
    [Theory]
    [MemberData(nameof(Expectations.Keys), MemberType = typeof(Expectations))]
    public void The_sample_holds_only_declared_fields_and_satisfies_them(string consumer, string type, string from)
    {
        var expectation = Expectations.Find(consumer, type, from);
        var declared = expectation.Fields.Select(f => f.Path).ToHashSet();

        var undeclared = Leaves(expectation.Sample, "").Where(p => !CloudEventsAttributes.Contains(p) && !declared.Contains(p)).ToList();

        Assert.True(undeclared.Count == 0, $"{expectation}: the sample holds fields not declared: {string.Join(", ", undeclared)}");
        var violations = ExpectationVerifier.Verify(expectation, expectation.Sample);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [MemberData(nameof(Expectations.Keys), MemberType = typeof(Expectations))]
    public void The_consumers_reader_accepts_the_sample_with_unknown_fields_added(string consumer, string type, string from)
    {
        var expectation = Expectations.Find(consumer, type, from);
        var sample = JsonNode.Parse(expectation.Sample.GetRawText())!.AsObject();
        AddUnknownFields(sample);

        // What every C# consumer does with a message it receives (ConsumerPipeline, and the saga with its replies).
        var envelope = EnvelopeJson.Parse(JsonSerializer.SerializeToUtf8Bytes(sample));
        var data = EnvelopeJson.ReadData(envelope);

        Assert.Equal(MessageCatalog.Find(type)!.ClrType, data.GetType());
    }

    /// <summary>
    /// <c>requires</c> lists only what the reader truly needs: without any one of those fields the C# reader rejects the sample
    /// (so a provider that drops it dead-letters the consumer's messages, though the consumer's code never looks at it).
    /// </summary>
    [Theory]
    [MemberData(nameof(Expectations.Keys), MemberType = typeof(Expectations))]
    public void The_reader_rejects_the_sample_without_any_field_it_requires(string consumer, string type, string from)
    {
        var expectation = Expectations.Find(consumer, type, from);
        foreach (var field in expectation.Fields.Where(f => f.Declared == "requires"))
        {
            var sample = JsonNode.Parse(expectation.Sample.GetRawText())!;
            var (parent, name) = Parent(sample, field.Path);
            parent.Remove(name);

            var envelope = EnvelopeJson.Parse(JsonSerializer.SerializeToUtf8Bytes(sample));
            Assert.True(Throws(() => EnvelopeJson.ReadData(envelope)), $"{expectation}: the reader accepts the sample without {field.Path}; it belongs nowhere or in 'reads'");
        }
    }

    [Fact]
    public void Every_consumer_file_is_loaded_and_names_catalog_types()
    {
        Assert.Equal(["checkout", "inventory", "notifications", "orders", "payments", "shipping"],
            Expectations.All.Select(e => e.Consumer).Distinct().Order(StringComparer.Ordinal));
        Assert.All(Expectations.All, e => Assert.NotNull(MessageCatalog.Find(e.Type)));
    }

    private static readonly HashSet<string> CloudEventsAttributes = ["specversion", "id", "type", "source", "time", "correlationid"];

    /// <summary>Paths of the sample's leaves, in the expectations' syntax (<c>data.items[].sku</c>).</summary>
    private static IEnumerable<string> Leaves(JsonElement e, string at) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Leaves(p.Value, at.Length == 0 ? p.Name : $"{at}.{p.Name}")),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(i => Leaves(i, at + "[]")).DefaultIfEmpty(at + "[]").Distinct(),
        _ => [at],
    };

    private static bool Throws(Action read)
    {
        try { read(); return false; }
        catch (ContractViolationException) { return true; }
    }

    /// <summary>The object holding the path's last field (through the first element of each array on the way).</summary>
    private static (JsonObject Parent, string Name) Parent(JsonNode root, string path)
    {
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
            node = segment.EndsWith("[]", StringComparison.Ordinal) ? node[segment[..^2]]![0]! : node[segment]!;
        return (node.AsObject(), segments[^1]);
    }

    private static void AddUnknownFields(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var child in o.Select(p => p.Value).ToList()) AddUnknownFields(child);
                o["addedInAMinorVersion"] = new JsonObject { ["note"] = "a reader must ignore fields it does not know", ["n"] = 1 };
                break;
            case JsonArray a:
                foreach (var child in a) AddUnknownFields(child);
                break;
        }
    }
}
