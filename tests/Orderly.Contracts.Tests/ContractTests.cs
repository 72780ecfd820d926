using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Orders;

namespace Orderly.Contracts.Tests;

public sealed class ContractTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);

    public static TheoryData<string> ContractNames() => new(MessageCatalog.All.Select(d => d.Name));

    private static Envelope Wrap(object message) =>
        EnvelopeJson.Create(message, "msg-1", "/orderly/tests", At, "ord-1", "cause-1",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "checkout-replies", "ord-1");

    private static byte[] WithData(object message, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(EnvelopeJson.Serialize(Wrap(message)))!.AsObject();
        edit(node["data"]!.AsObject());
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static ContractViolationException Rejected(byte[] json) =>
        Assert.Throws<ContractViolationException>(() => EnvelopeJson.ReadData(EnvelopeJson.Parse(json)));

    [Fact]
    public void Every_contract_has_a_sample_and_a_schema_and_every_schema_a_contract()
    {
        var sampled = ContractSamples.All.Select(s => MessageCatalog.For(s.GetType()).Name).Order().ToList();
        Assert.Equal(MessageCatalog.All.Select(d => d.Name).Order().ToList(), sampled);

        var messageSchemas = ContractSchemas.SchemaFiles.Where(f => f.StartsWith("orderly.", StringComparison.Ordinal)).ToList();
        Assert.Equal(MessageCatalog.All.Select(d => d.SchemaFile).Order(StringComparer.Ordinal).ToList(), messageSchemas);
        Assert.Contains("envelope.schema.json", ContractSchemas.SchemaFiles);
    }

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Every_contract_round_trips_and_validates_against_its_schema(string name)
    {
        var sample = ContractSamples.All.Single(s => MessageCatalog.For(s.GetType()).Name == name);
        var envelope = Wrap(sample);

        var wire = EnvelopeJson.Serialize(envelope);
        var parsed = EnvelopeJson.Parse(wire);
        var data = EnvelopeJson.ReadData(parsed);

        Assert.Equal(name, parsed.Type);
        Assert.Equal(JsonSerializer.Serialize(sample, sample.GetType(), MessageCatalog.JsonOptions),
                     JsonSerializer.Serialize(data, data.GetType(), MessageCatalog.JsonOptions));
        Assert.Empty(ContractSchemas.Validate(MessageCatalog.Find(name)!, parsed.Data));
        using var doc = JsonDocument.Parse(wire);
        Assert.Empty(ContractSchemas.Validate("envelope.schema.json", doc.RootElement));
    }

    [Fact]
    public void Envelope_keeps_its_cloudevents_attributes()
    {
        var parsed = EnvelopeJson.Parse(EnvelopeJson.Serialize(Wrap(new ReleaseStock("ord-9"))));
        Assert.Equal("msg-1", parsed.Id);
        Assert.Equal("/orderly/tests", parsed.Source);
        Assert.Equal(At, parsed.Time);
        Assert.Equal("ord-1", parsed.CorrelationId);
        Assert.Equal("cause-1", parsed.CausationId);
        Assert.Equal("checkout-replies", parsed.ReplyTo);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", parsed.TraceParent);
    }

    [Fact]
    public void An_unknown_type_is_rejected_naming_the_type()
    {
        var json = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(EnvelopeJson.Serialize(Wrap(new ReleaseStock("o"))))
            .Replace("orderly.inventory.release-stock.v1", "orderly.inventory.release-stock.v9", StringComparison.Ordinal));
        var ex = Rejected(json);
        Assert.Equal(ContractViolationReason.UnknownType, ex.Reason);
        Assert.Contains("orderly.inventory.release-stock.v9", ex.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_field_is_rejected_naming_it()
    {
        var ex = Rejected(WithData(new ReserveStock("ord-1", [new("sku-1", 1)]), d => d.Remove("orderId")));
        Assert.Equal(ContractViolationReason.InvalidData, ex.Reason);
        Assert.Contains("orderId", ex.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_anchored_pattern_refuses_a_trailing_newline_as_ECMA_262_does()
    {
        // JSON Schema patterns are ECMA-262, where $ ends the input; JsonSchema.Net runs them on .NET's Regex, where $ also
        // matches before a final '\n'. "(?!\n)$" means the same in both, so "sku-1\n" is refused by every validator.
        var patterns = ContractSchemas.SchemaFiles
            .SelectMany(f => Patterns(JsonNode.Parse(ContractSchemas.ReadSchemaText(f))).Select(p => (File: f, Pattern: p)))
            .ToList();
        Assert.NotEmpty(patterns);
        Assert.All(patterns.Where(p => p.Pattern.EndsWith('$')), p => Assert.EndsWith(@"(?!\n)$", p.Pattern));

        static IEnumerable<string> Patterns(JsonNode? node) => node switch
        {
            JsonObject o => o.SelectMany(kv => kv.Key == "pattern" && kv.Value is JsonValue v ? [v.GetValue<string>()] : Patterns(kv.Value)),
            JsonArray a => a.SelectMany(Patterns),
            _ => [],
        };
    }

    [Theory]
    [InlineData("quantity-zero", "items[0].quantity")]
    [InlineData("quantity-too-big", "items[0].quantity")]
    [InlineData("bad-sku", "items[0].sku")]
    [InlineData("sku-with-trailing-newline", "items[0].sku")]
    [InlineData("country-with-trailing-newline", "shippingAddress.country")]
    [InlineData("quantity-text", "items[0].quantity")]
    [InlineData("no-lines", "items")]
    [InlineData("lowercase-country", "shippingAddress.country")]
    public void A_field_breaking_its_rule_is_rejected_naming_the_field(string breakage, string field)
    {
        var placed = new OrderPlaced("ord-1", "cust-1", [new("sku-1", 1)], new("A", "B", "C", "D", "FR"), "tok", At);
        var ex = Rejected(WithData(placed, d =>
        {
            var line = d["items"]!.AsArray().FirstOrDefault()?.AsObject();
            switch (breakage)
            {
                case "quantity-zero": line!["quantity"] = 0; break;
                case "quantity-too-big": line!["quantity"] = 1001; break;
                case "bad-sku": line!["sku"] = "no spaces allowed"; break;
                case "sku-with-trailing-newline": line!["sku"] = "sku-1\n"; break;
                case "country-with-trailing-newline": d["shippingAddress"]!["country"] = "FR\n"; break;
                case "quantity-text": line!["quantity"] = "two"; break;
                case "no-lines": d["items"] = new JsonArray(); break;
                case "lowercase-country": d["shippingAddress"]!["country"] = "fr"; break;
            }
        }));
        Assert.Equal(ContractViolationReason.InvalidData, ex.Reason);
        Assert.Contains(field + ":", ex.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lowercase_currency_is_rejected_naming_the_field()
    {
        var ex = Rejected(WithData(new ConfirmOrder("ord-1", new Money(10m, "EUR")), d => d["total"]!["currency"] = "eur"));
        Assert.Contains("total.currency:", ex.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_rejected_as_malformed()
    {
        var ex = Assert.Throws<ContractViolationException>(() => EnvelopeJson.Parse("{\"specversion\":\"1.0\", oops"u8));
        Assert.Equal(ContractViolationReason.MalformedJson, ex.Reason);
    }

    [Theory]
    [InlineData("correlationid")]
    [InlineData("id")]
    [InlineData("type")]
    [InlineData("data")]
    public void A_missing_cloudevents_attribute_is_rejected_naming_it(string attribute)
    {
        var node = JsonNode.Parse(EnvelopeJson.Serialize(Wrap(new ReleaseStock("o"))))!.AsObject();
        node.Remove(attribute);
        var ex = Assert.Throws<ContractViolationException>(() => EnvelopeJson.Parse(Encoding.UTF8.GetBytes(node.ToJsonString())));
        Assert.Equal(ContractViolationReason.NotACloudEvent, ex.Reason);
        Assert.Contains($"'{attribute}'", ex.Description, StringComparison.Ordinal);
    }

    private static ContractSchemaSet BuildSchema(string schema) =>
        ContractSchemaSet.Build(new Dictionary<string, string> { ["x.schema.json"] = schema });

    [Fact]
    public void A_schema_with_a_keyword_no_validator_checks_is_refused()
    {
        var ex = Assert.Throws<NotSupportedException>(() => BuildSchema(
            """{ "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": { "sku": { "type": "string", "minLenght": 1 } } }"""));
        Assert.Contains("minLenght", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_with_a_format_the_validator_does_not_know_is_refused()
    {
        var ex = Assert.Throws<NotSupportedException>(() => BuildSchema("""{ "type": "string", "format": "date-tme" }"""));
        Assert.Contains("date-tme", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_with_a_ref_that_does_not_resolve_is_refused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => BuildSchema("""{ "properties": { "sku": { "$ref": "common.schema.json#/$defs/nope" } } }"""));
        Assert.Contains("common.schema.json#/$defs/nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ref_into_another_schema_file_resolves_by_its_id()
    {
        var set = ContractSchemaSet.Build(new Dictionary<string, string>
        {
            ["line.schema.json"] = """{ "$id": "https://orderly.example/schemas/line.schema.json", "type": "object", "properties": { "sku": { "$ref": "defs.schema.json#/$defs/sku" } } }""",
            ["defs.schema.json"] = """{ "$id": "https://orderly.example/schemas/defs.schema.json", "$defs": { "sku": { "type": "string", "minLength": 2 } } }""",
        });
        using var bad = JsonDocument.Parse("""{ "sku": "x" }""");
        using var good = JsonDocument.Parse("""{ "sku": "xy" }""");

        Assert.StartsWith("sku: ", Assert.Single(set.Validate("line.schema.json", bad.RootElement)), StringComparison.Ordinal);
        Assert.Empty(set.Validate("line.schema.json", good.RootElement));
    }

    [Fact]
    public void Every_error_is_reported_each_naming_its_field()
    {
        var placed = new OrderPlaced("ord-1", "cust-1", [new("sku-1", 1), new("sku-2", 1)], new("A", "B", "C", "D", "FR"), "tok", At);
        var ex = Rejected(WithData(placed, d =>
        {
            d["items"]![1]!["quantity"] = 0;
            d["shippingAddress"]!["country"] = "fr";
            d["placedAt"] = "yesterday";
        }));
        var errors = ex.Description.Split("; ");
        Assert.Equal(["items[1].quantity", "placedAt", "shippingAddress.country"], errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Type_names_are_versioned_and_match_the_owning_namespace()
    {
        foreach (var d in MessageCatalog.All)
        {
            Assert.Matches(new Regex("^orderly\\.[a-z]+\\.[a-z]+(-[a-z]+)*\\.v1$"), d.Name);
            Assert.Equal($"Orderly.Contracts.{char.ToUpperInvariant(d.Context[0])}{d.Context[1..]}", d.ClrType.Namespace);
        }
    }

    [Fact]
    public void A_newer_minor_field_is_tolerated()
    {
        var json = WithData(new StockReleased("ord-1"), d => d["releasedBy"] = "ops");
        var data = Assert.IsType<StockReleased>(EnvelopeJson.ReadData(EnvelopeJson.Parse(json)));
        Assert.Equal("ord-1", data.OrderId);
    }
}
