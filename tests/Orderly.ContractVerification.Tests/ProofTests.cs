using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orderly.ContractVerification.Tests;

/// <summary>The checker is not vacuous: real provider messages, broken one field at a time, are reported naming consumer, type and field.</summary>
public sealed class ProofTests
{
    [Fact]
    public async Task Removing_a_field_from_a_real_message_is_reported_for_exactly_the_consumer_that_reads_it()
    {
        var reserved = await RealAsync("orderly.inventory.stock-reserved.v1");
        var broken = Mutate(reserved, d => d["data"]!["total"]!.AsObject().Remove("amount"));

        var violation = Assert.Single(VerifyAgainstAll(broken));
        Assert.Equal(new Violation("checkout", "orderly.inventory.stock-reserved.v1", "data.total.amount", "is missing"), violation);
    }

    [Fact]
    public async Task Renaming_a_field_is_reported_as_the_old_name_missing()
    {
        var authorized = await RealAsync("orderly.payments.payment-authorized.v1");
        var renamed = Mutate(authorized, d =>
        {
            var data = d["data"]!.AsObject();
            var id = data["paymentId"]!.DeepClone();
            data.Remove("paymentId");
            data["paymentID"] = id;
        });

        var violation = Assert.Single(VerifyAgainstAll(renamed));
        Assert.Equal(new Violation("checkout", "orderly.payments.payment-authorized.v1", "data.paymentId", "is missing"), violation);
        Assert.Equal("consumer 'checkout' of orderly.payments.payment-authorized.v1: data.paymentId is missing", violation.ToString());
    }

    [Fact]
    public async Task A_changed_type_is_reported_for_every_consumer_that_relies_on_the_field()
    {
        var placed = await RealAsync("orderly.orders.order-placed.v1");
        var broken = Mutate(placed, d => d["data"]!["items"]![0]!["quantity"] = "2");

        var violations = VerifyAgainstAll(broken);

        Assert.Equal(["checkout", "notifications", "orders"], violations.Select(v => v.Consumer).Order(StringComparer.Ordinal));
        Assert.All(violations, v => Assert.Equal("data.items[].quantity", v.Path));
        Assert.All(violations, v => Assert.StartsWith("is a string, expected integer", v.Problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("orderly.payments.payment-authorized.v1")]
    [InlineData("orderly.payments.payment-declined.v1")]
    public async Task A_provider_attempts_count_that_is_not_a_positive_integer_is_reported_for_the_checkout_that_shows_it(string type)
    {
        // Optional (a reply repeating a stored outcome leaves it out), but the saga's step detail shows it when present.
        var real = (await ProviderMessages.AllAsync()).First(m => m.Type == type && m.Destination == "checkout-replies").Envelope;

        var asText = VerifyAgainstAll(Mutate(real, d => d["data"]!["providerAttempts"] = "3"));
        var zero = VerifyAgainstAll(Mutate(real, d => d["data"]!["providerAttempts"] = 0));

        var violation = Assert.Single(asText);
        Assert.Equal(("checkout", "data.providerAttempts"), (violation.Consumer, violation.Path));
        Assert.StartsWith("is a string, expected integer", violation.Problem, StringComparison.Ordinal);
        Assert.Equal(("checkout", "data.providerAttempts"), (Assert.Single(zero).Consumer, zero[0].Path));
        Assert.Empty(VerifyAgainstAll(Mutate(real, d => d["data"]!.AsObject().Remove("providerAttempts"))));
    }

    /// <summary>Every declared field of every expectation: taken out of a real provider message, it is reported by name.</summary>
    [Theory]
    [MemberData(nameof(Expectations.Keys), MemberType = typeof(Expectations))]
    public async Task Each_declared_field_taken_out_of_a_real_message_is_reported(string consumer, string type, string from)
    {
        var expectation = Expectations.Find(consumer, type, from);
        var real = (await ProviderMessages.AllAsync()).First(m => m.Type == type && m.Destination == expectation.Destination).Envelope;

        foreach (var field in expectation.Fields.Where(f => !f.Optional))
        {
            var broken = Mutate(real, root => Break(root, field.Path));
            var reported = ExpectationVerifier.Verify(expectation, broken);
            Assert.True(reported.Any(v => v.Path == field.Path && v.Consumer == consumer && v.Type == type),
                $"{expectation}: breaking {field.Path} was not reported (got: {string.Join("; ", reported)})");
        }
    }

    private static async Task<JsonElement> RealAsync(string type) => (await ProviderMessages.AllAsync()).First(m => m.Type == type).Envelope;

    private static List<Violation> VerifyAgainstAll(JsonElement message) =>
        Expectations.All.Where(e => e.Type == message.GetProperty("type").GetString())
            .SelectMany(e => ExpectationVerifier.Verify(e, message)).ToList();

    private static JsonElement Mutate(JsonElement message, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(message.GetRawText())!.AsObject();
        change(node);
        return JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
    }

    /// <summary>Removes the field at the path (in every array element on the way); an array element itself is replaced by null.</summary>
    private static void Break(JsonNode? node, string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var segment = dot < 0 ? path : path[..dot];
        var rest = dot < 0 ? null : path[(dot + 1)..];
        var each = segment.EndsWith("[]", StringComparison.Ordinal);
        var name = each ? segment[..^2] : segment;
        if (node is not JsonObject o || !o.ContainsKey(name)) return;
        if (!each)
        {
            if (rest is null) o.Remove(name); else Break(o[name], rest);
            return;
        }
        var array = o[name]!.AsArray();
        for (var i = 0; i < array.Count; i++)
        {
            if (rest is null) array[i] = null; else Break(array[i], rest);
        }
    }
}
