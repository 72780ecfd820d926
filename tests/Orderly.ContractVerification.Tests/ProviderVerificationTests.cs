namespace Orderly.ContractVerification.Tests;

/// <summary>
/// Provider side: every field each consumer declared is present, with its type and rules, in every message of that type the
/// provider's real code sends to the consumer's queue or topic. A field removed or renamed by a provider fails here, naming
/// the consumer, the type and the field.
/// </summary>
public sealed class ProviderVerificationTests
{
    [Theory]
    [MemberData(nameof(Expectations.Keys), MemberType = typeof(Expectations))]
    public async Task The_provider_sends_every_field_the_consumer_relies_on(string consumer, string type, string from)
    {
        var expectation = Expectations.Find(consumer, type, from);
        var produced = (await ProviderMessages.AllAsync()).Where(m => m.Type == type && m.Destination == expectation.Destination).ToList();

        Assert.True(produced.Count > 0, $"No provider scenario sends {type} to {expectation.Destination}: '{consumer}' expects it there.");
        var violations = produced.SelectMany(m => ExpectationVerifier.Verify(expectation, m.Envelope)).Distinct().ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task Every_message_between_contexts_has_a_consumer_expectation()
    {
        // A message the providers send that no consumer declared is either dead weight or an undeclared dependency.
        var produced = (await ProviderMessages.AllAsync()).Select(m => (m.Type, m.Destination)).Distinct();
        var expected = Expectations.All.Select(e => (e.Type, e.Destination)).ToHashSet();

        Assert.Empty(produced.Where(p => !expected.Contains(p)).Select(p => $"{p.Type} to {p.Destination}"));
    }
}
