using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Orderly.Contracts.Tests;

/// <summary>
/// The pass/fail check runs on the schemas with their <c>$ref</c>s inlined; it must decide every message as the schemas as
/// written do, or a broken message would be handled (or a good one dead-lettered).
/// </summary>
public sealed class InlinedSchemaTests
{
    private static readonly ContractSchemaSet Shipped =
        ContractSchemaSet.Build(ContractSchemas.SchemaFiles.ToDictionary(f => f, ContractSchemas.ReadSchemaText, StringComparer.Ordinal));

    [Fact]
    public void The_check_decides_every_sample_and_every_breakage_of_it_as_the_schemas_as_written()
    {
        var asWritten = AsWritten();
        var flag = new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true, Culture = CultureInfo.InvariantCulture };
        var refused = 0;
        var decided = 0;
        foreach (var sample in ContractSamples.All)
        {
            var definition = MessageCatalog.For(sample.GetType());
            var envelope = JsonNode.Parse(EnvelopeJson.Serialize(EnvelopeJson.Create(sample, "msg-1", "/orderly/tests",
                new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero), "ord-1", replyTo: "checkout-replies")))!;
            foreach (var (file, instance) in Breakages(envelope["data"]!).Select(d => (definition.SchemaFile, d))
                         .Concat(Breakages(envelope).Select(e => ("envelope.schema.json", e))))
            {
                using var document = JsonDocument.Parse(instance.ToJsonString());
                var expected = asWritten[file].Evaluate(document.RootElement, flag).IsValid;
                Assert.True(expected == Shipped.Passes(file, document.RootElement),
                    $"{file}: the check says {(expected ? "invalid" : "valid")}, the schema as written {(expected ? "valid" : "invalid")}, for {instance.ToJsonString()}");
                decided++;
                if (!expected) refused++;
            }
        }
        Assert.True(refused > decided / 3, $"only {refused} of {decided} breakages break a rule: the comparison proves little");
    }

    [Fact]
    public void A_field_checked_through_an_inlined_ref_is_still_named_when_it_breaks_its_rule()
    {
        // orderId is a $ref to common.schema.json in every contract: the check sees it inlined, the explanation as written.
        using var data = JsonDocument.Parse("""{ "orderId": "" }""");
        var errors = Shipped.Validate(MessageCatalog.Find("orderly.inventory.release-stock.v1")!.SchemaFile, data.RootElement);
        Assert.StartsWith("orderId: ", Assert.Single(errors), StringComparison.Ordinal);
    }

    /// <summary>The schemas as written, each built on its own by JsonSchema.Net (no inlining).</summary>
    private static Dictionary<string, JsonSchema> AsWritten()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry { Fetch = static (_, _) => null }, Dialect = Dialect.Draft202012 };
        return ContractSchemas.SchemaFiles.ToDictionary(
            f => f,
            f => JsonSchema.FromText(ContractSchemas.ReadSchemaText(f), options, new Uri(new Uri("https://orderly.example/schemas/"), f)),
            StringComparer.Ordinal);
    }

    /// <summary>The instance itself, then one copy per field with that field removed, or set to each of a few wrong values, plus unknown and empty ones.</summary>
    private static IEnumerable<JsonNode> Breakages(JsonNode instance)
    {
        JsonNode?[] wrong = [null, "", " ", "x\n", "not-a-date", "abc", "ABC", -1, 0, 1001, 0.5, true, new JsonArray(), new JsonObject()];
        yield return instance.DeepClone();
        foreach (var path in Paths(instance, []))
        {
            var removed = instance.DeepClone();
            if (At(removed, path[..^1]) is JsonObject parent) { parent.Remove((string)path[^1]); yield return removed; }
            else if (At(removed, path[..^1]) is JsonArray list) { list.RemoveAt((int)path[^1]); yield return removed; }
            foreach (var value in wrong)
            {
                var copy = instance.DeepClone();
                switch (At(copy, path[..^1]))
                {
                    case JsonObject o: o[(string)path[^1]] = value?.DeepClone(); break;
                    case JsonArray a: a[(int)path[^1]] = value?.DeepClone(); break;
                }
                yield return copy;
            }
        }
        var extra = instance.DeepClone();
        if (extra is JsonObject root) { root["unknownField"] = 1; yield return extra; }
        yield return new JsonObject();
    }

    private static IEnumerable<object[]> Paths(JsonNode? node, object[] at) => node switch
    {
        JsonObject o => o.SelectMany(kv => Paths(kv.Value, [.. at, kv.Key]).Prepend([.. at, kv.Key])),
        JsonArray a => a.SelectMany((item, i) => Paths(item, [.. at, i]).Prepend([.. at, i])),
        _ => [],
    };

    private static JsonNode? At(JsonNode node, object[] path) =>
        path.Aggregate((JsonNode?)node, (n, step) => step is string name ? n?[name] : n?[(int)step]);
}
