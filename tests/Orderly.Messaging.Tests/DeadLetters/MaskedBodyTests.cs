using System.Text;
using System.Text.Json.Nodes;

namespace Orderly.Messaging.Tests.DeadLetters;

/// <summary>How a dead letter's body is shown to people: payment tokens masked wherever they are, whatever the body is.</summary>
public sealed class MaskedBodyTests
{
    [Fact]
    public void Every_payment_token_is_masked_to_its_first_four_characters_at_any_depth_and_letter_case()
    {
        var shown = MaskedBody.Of(Bytes("""
            {"type":"t","paymentToken":"tok_visa_4242","data":{"PaymentToken":"tok_decline_1","orderId":"o-1","amount":12.50,
             "lines":[{"paymentToken":"tok_flaky_9"},{"paymentToken":7}]}}
            """))!;

        Assert.Equal("tok_…", (string?)shown["paymentToken"]);
        Assert.Equal("tok_…", (string?)shown["data"]!["PaymentToken"]);
        Assert.Equal("tok_…", (string?)shown["data"]!["lines"]![0]!["paymentToken"]);
        Assert.Equal(7, (int)shown["data"]!["lines"]![1]!["paymentToken"]!); // not a string: not a token
        Assert.Equal("o-1", (string?)shown["data"]!["orderId"]);
        Assert.Equal("12.50", shown["data"]!["amount"]!.ToJsonString()); // numbers as written
    }

    [Theory]
    [InlineData("tok_", "…")]
    [InlineData("abc", "…")]
    [InlineData("tok_x", "tok_…")]
    public void A_token_of_four_characters_or_fewer_shows_nothing(string token, string masked) =>
        Assert.Equal(masked, MaskedBody.Mask(token));

    [Fact]
    public void Masking_never_cuts_a_surrogate_pair_in_two() =>
        Assert.Equal("tok…", MaskedBody.Mask("tok\U0001F600rest"));

    [Theory]
    [InlineData("""{"specversion":"1.0", "data":{"paymentToken":"tok_visa_4242", not json""")]
    [InlineData("""{"paymentToken":"tok_visa_4242","note":"\ud800"}""")]
    [InlineData("""{"paymentToken":"tok_visa_4242","paymentToken":"tok_visa_4242"}""")]
    public void A_body_that_is_not_readable_json_is_shown_as_text_with_the_token_masked_all_the_same(string body)
    {
        var shown = MaskedBody.Of(Bytes(body));

        var text = Assert.IsAssignableFrom<JsonValue>(shown).GetValue<string>();
        Assert.DoesNotContain("tok_visa_4242", text, StringComparison.Ordinal);
        Assert.Contains("\"paymentToken\":\"tok_…\"", text, StringComparison.Ordinal);
        _ = shown!.ToJsonString(); // and it can be written out
    }

    [Fact]
    public void Invalid_utf8_is_shown_as_replacement_characters_not_an_error()
    {
        var body = Bytes("""{"paymentToken":"tok_visa_4242","x":"__"}""");
        body[^3] = 0xFF;

        var text = MaskedBody.Of(body)!.GetValue<string>();

        Assert.Contains('\uFFFD', text);
        Assert.DoesNotContain("tok_visa_4242", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_left_masked_in_an_edit_gets_its_real_value_back_and_a_changed_one_is_kept()
    {
        var original = Bytes("""{"type":"t","data":{"paymentToken":"tok_visa_4242","refund":{"paymentToken":"tok_old_1"}}}""");
        var edited = Bytes("""{"type":"t","data":{"paymentToken":"tok_…","refund":{"paymentToken":"tok_new_2"},"note":"fixed"}}""");

        var sent = JsonNode.Parse(MaskedBody.RestoreTokens(edited, original).Span)!;

        Assert.Equal("tok_visa_4242", (string?)sent["data"]!["paymentToken"]);
        Assert.Equal("tok_new_2", (string?)sent["data"]!["refund"]!["paymentToken"]);
        Assert.Equal("fixed", (string?)sent["data"]!["note"]);
    }

    [Fact]
    public void A_masked_token_is_restored_only_where_the_original_had_that_token()
    {
        var original = Bytes("""{"data":{"paymentToken":"tok_visa_4242"}}""");
        var moved = Bytes("""{"data":{"other":{"paymentToken":"tok_…"}}}""");

        Assert.Equal(moved, MaskedBody.RestoreTokens(moved, original).ToArray()); // untouched, byte for byte
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
