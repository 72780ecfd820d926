using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Orderly.Messaging;

namespace Orderly.Hosting.DeadLetters;

/// <summary>A dead letter as the list shows it.</summary>
public sealed record DeadLetterSummaryView(
    string Id, string Entity, string MessageId, string? Type, string Reason, string Description, int DeliveryCount,
    DateTimeOffset FirstFailureAt, DateTimeOffset LastFailureAt, string Status, string? Note, string? ResubmittedAsMessageId)
{
    public static DeadLetterSummaryView Of(DeadLetteredMessage d) => new(d.Id, d.Entity, d.MessageId, DeadLetterTriage.TypeOf(d.Body),
        d.Reason, d.Description, d.DeliveryCount, d.FirstFailureAt, d.LastFailureAt, d.Status.ToString(), d.Note, d.ResubmittedAsMessageId);
}

/// <summary>One dead letter in full: its body (payment tokens masked, see <see cref="MaskedBody"/>), broker properties and trail.</summary>
public sealed record DeadLetterDetailView(
    string Id, string Entity, string MessageId, string? Type, string Reason, string Description, int DeliveryCount,
    DateTimeOffset FirstFailureAt, DateTimeOffset LastFailureAt, string Status, string? Note, string? ResubmittedAsMessageId,
    IReadOnlyDictionary<string, string> Properties, JsonNode? Body, IReadOnlyList<DeadLetterTrailView> Trail)
{
    public static DeadLetterDetailView Of(DeadLetteredMessage d, IReadOnlyList<DeadLetterTrailEntry> trail) => new(d.Id, d.Entity,
        d.MessageId, DeadLetterTriage.TypeOf(d.Body), d.Reason, d.Description, d.DeliveryCount, d.FirstFailureAt, d.LastFailureAt,
        d.Status.ToString(), d.Note, d.ResubmittedAsMessageId, d.Properties, MaskedBody.Of(d.Body), trail.Select(DeadLetterTrailView.Of).ToList());
}

/// <summary>One step of the trail: who, when, what and why; a resubmit's bodies are masked like the letter's.</summary>
public sealed record DeadLetterTrailView(
    DateTimeOffset At, string Action, string Actor, string? Note, string? ResubmittedAsMessageId, JsonNode? OriginalBody, JsonNode? EditedBody)
{
    public static DeadLetterTrailView Of(DeadLetterTrailEntry e) => new(e.At, e.Action.ToString(), e.Actor, e.Note, e.ResubmittedAsMessageId,
        e.OriginalBody is { } original ? MaskedBody.Of(original) : null, e.EditedBody is { } edited ? MaskedBody.Of(edited) : null);
}

/// <summary>The answer to a resubmit.</summary>
public sealed record DeadLetterResubmitted(string Id, string Status, string ResubmittedAsMessageId, bool Edited);

/// <summary>The body of a bulk resubmit (documentation only: the endpoint reads the JSON itself): the list's filters, a cap, a note.</summary>
public sealed record DeadLetterBulkResubmit(
    string? Entity, string? Status, string? Reason, int? MinAgeSeconds, int? MaxAgeSeconds, int? Max, string? Note);

/// <summary>The answer to a bulk resubmit: how many matched, which went (under which new message id), which were skipped, and whether more match than were sent.</summary>
public sealed record DeadLetterBulkResubmitted(int Matched, IReadOnlyList<DeadLetterResubmitted> Resubmitted, IReadOnlyList<DeadLetterSkipped> Skipped, bool More);

/// <summary>A matching dead letter a bulk resubmit left alone, and why (someone decided it meanwhile).</summary>
public sealed record DeadLetterSkipped(string Id, string Reason);

/// <summary>The body of an ignore, and its answer.</summary>
public sealed record DeadLetterIgnore(string Note);

public sealed record DeadLetterIgnored(string Id, string Status, string Note);

/// <summary>
/// The body of a resubmit, for the OpenAPI document (the endpoint reads the JSON itself): the WHOLE new message envelope, never
/// only its data. Its type must be the dead letter's and its data must meet that type's contract (422 naming the field).
/// </summary>
[Description("The whole new CloudEvents 1.0 envelope (as the dead letter shows it under 'body'), not only its 'data'. "
    + "'type' must be the dead letter's; 'data' must meet that type's contract. Leave the body out to resend the message as it was.")]
public sealed record DeadLetterEnvelope
{
    [JsonPropertyName("specversion")] public required string SpecVersion { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("source")] public required string Source { get; init; }
    [JsonPropertyName("time")] public required DateTimeOffset Time { get; init; }
    [JsonPropertyName("correlationid")] public required string CorrelationId { get; init; }
    [JsonPropertyName("data")] public required JsonElement Data { get; init; }
    [JsonPropertyName("subject")] public string? Subject { get; init; }
    [JsonPropertyName("datacontenttype")] public string? DataContentType { get; init; }
    [JsonPropertyName("causationid")] public string? CausationId { get; init; }
    [JsonPropertyName("traceparent")] public string? TraceParent { get; init; }
    [JsonPropertyName("replyto")] public string? ReplyTo { get; init; }
}
