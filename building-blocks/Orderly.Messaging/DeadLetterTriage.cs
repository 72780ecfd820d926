using System.Text;
using System.Text.Json;
using Orderly.Contracts;

namespace Orderly.Messaging;

/// <summary>
/// The triage rules every <see cref="IDeadLetterQueue"/> enforces, and the names the adapters share, in one place:
/// <list type="bullet">
/// <item>a dead letter is resubmitted at most once;</item>
/// <item>an ignored one may still be resubmitted (an operator may change their mind; the trail keeps both decisions);</item>
/// <item>only a pending one may be ignored (ignoring twice would silently replace the first note);</item>
/// <item>an edited body is a whole envelope: JSON, every string readable, no property twice, and its <c>type</c> the original's.
/// When the original has no readable type (malformed, which is what editing fixes) any string <c>type</c> is accepted.</item>
/// </list>
/// </summary>
public static class DeadLetterTriage
{
    /// <summary>The actor of the dead-lettering itself: the consumer pipeline or the broker, not a person.</summary>
    public const string SystemActor = "system";

    /// <summary>Application property of a resubmitted message: the id of the dead-lettered message it replaces.</summary>
    public const string OriginalMessageIdProperty = "orderly-original-message-id";

    public const int MaxNoteLength = 2000;
    public const int MaxActorLength = 256;

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Throws <see cref="DeadLetterConflictException"/> unless the dead letter may be resubmitted (not yet resubmitted).</summary>
    public static void EnsureCanResubmit(DeadLetteredMessage letter)
    {
        if (letter.Status == DeadLetterStatus.Resubmitted) throw AlreadyResubmitted(letter);
    }

    /// <summary>Throws <see cref="DeadLetterConflictException"/> unless the dead letter is pending.</summary>
    public static void EnsureCanIgnore(DeadLetteredMessage letter)
    {
        switch (letter.Status)
        {
            case DeadLetterStatus.Resubmitted:
                throw AlreadyResubmitted(letter);
            case DeadLetterStatus.Ignored:
                throw new DeadLetterConflictException(letter,
                    $"Dead letter '{letter.Id}' is already ignored (\"{letter.Note}\"); its note is not replaced.");
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <c>actor</c> or <c>note</c> when one is blank, too long or not well-formed
    /// text (a lone surrogate cannot be stored or shown). A note is optional for a resubmit, required for an ignore.
    /// </summary>
    public static void EnsureDecision(string actor, string? note, bool noteRequired)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > MaxActorLength || !IsWellFormed(actor))
            throw new ArgumentException($"The actor must be 1–{MaxActorLength} characters of well-formed text.", nameof(actor));
        if (note is null)
        {
            if (noteRequired) throw new ArgumentException("A note saying why is required.", nameof(note));
            return;
        }
        if (string.IsNullOrWhiteSpace(note) || note.Length > MaxNoteLength || !IsWellFormed(note))
            throw new ArgumentException($"A note is 1–{MaxNoteLength} characters of well-formed text.", nameof(note));
    }

    /// <summary>True if <paramref name="text"/> has no lone surrogate, so it encodes to UTF-8.</summary>
    public static bool IsWellFormed(string text)
    {
        try
        {
            StrictUtf8.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>
    /// The CloudEvents <c>type</c> of a body, read as the consumer reads it (the top-level <c>type</c> string), or null when
    /// the body is not JSON enough to have one: a malformed body is what often lands in the dead-letter queue.
    /// </summary>
    public static string? TypeOf(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && type.GetString() is { Length: > 0 } name
                ? name
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null; // not JSON, or a type that is not readable text
        }
    }

    /// <summary>
    /// What keeps <paramref name="editedBody"/> from replacing the body of <paramref name="letter"/>, or null when nothing does.
    /// <see cref="DeadLetterEditProblem.Field"/> is <c>body</c> when it is not well-formed JSON, <c>type</c> when the type is missing or changed.
    /// </summary>
    public static DeadLetterEditProblem? CheckEdit(DeadLetteredMessage letter, ReadOnlyMemory<byte> editedBody)
    {
        if (WellFormedProblem(editedBody) is { } malformed) return new DeadLetterEditProblem("body", malformed);
        var edited = TypeOf(editedBody);
        if (edited is null) return new DeadLetterEditProblem("type", "The edited envelope has no string 'type'.");
        var original = TypeOf(letter.Body);
        if (original is not null && !string.Equals(original, edited, StringComparison.Ordinal))
        {
            return new DeadLetterEditProblem("type",
                $"Resubmitting cannot change the message type: the dead letter is '{original}', the edited body says '{edited}'.");
        }
        // An edit that breaks its contract would only be dead-lettered again by its consumer: say so now, naming the field.
        try
        {
            EnvelopeJson.ReadData(EnvelopeJson.Parse(editedBody.Span));
        }
        catch (ContractViolationException e)
        {
            return new DeadLetterEditProblem(FieldOf(e), $"The edited envelope breaks its contract ({e.Reason}): {e.Description}");
        }
        return null;
    }

    /// <summary>The field a contract violation names ("items[0].sku: …" → "data.items[0].sku"), or the envelope as a whole.</summary>
    private static string FieldOf(ContractViolationException e)
    {
        if (e.Reason != ContractViolationReason.InvalidData) return "envelope";
        var colon = e.Description.IndexOf(':', StringComparison.Ordinal);
        var path = colon > 0 ? e.Description[..colon] : "";
        return path.Length > 0 && !path.Contains(' ', StringComparison.Ordinal) ? "data." + path : "data";
    }

    /// <summary>Throws <see cref="DeadLetterEditRejectedException"/> when <see cref="CheckEdit"/> finds a problem (nothing to check without an edit).</summary>
    public static void EnsureEdit(DeadLetteredMessage letter, ReadOnlyMemory<byte>? editedBody)
    {
        if (editedBody is { } body && CheckEdit(letter, body) is { } problem) throw new DeadLetterEditRejectedException(problem);
    }

    /// <summary>
    /// Why the bytes are not one well-formed JSON object, or null: they must parse, hold no property twice at any depth (a
    /// second <c>type</c> could slip past the type check), and every name and string must be readable text.
    /// </summary>
    private static string? WellFormedProblem(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, StrictJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return "The body must be a JSON object (a whole CloudEvents envelope).";
        }
        catch (JsonException e)
        {
            return $"The body is not valid JSON: {e.Message}";
        }
        var strings = new Utf8JsonReader(json.Span);
        while (strings.Read())
        {
            if (strings.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
            try
            {
                strings.GetString();
            }
            catch (InvalidOperationException)
            {
                return $"The body holds a string that is not valid UTF-8 or has a lone surrogate (at byte {strings.TokenStartIndex}).";
            }
        }
        return null;
    }

    private static DeadLetterConflictException AlreadyResubmitted(DeadLetteredMessage letter) =>
        new(letter, $"Dead letter '{letter.Id}' was already resubmitted as message '{letter.ResubmittedAsMessageId}'.");
}

/// <summary>What keeps an edited body from being resubmitted: the field at fault (<c>body</c> or <c>type</c>) and why.</summary>
public sealed record DeadLetterEditProblem(string Field, string Message);

/// <summary>No dead letter has the id.</summary>
public sealed class DeadLetterNotFoundException(string id) : KeyNotFoundException($"There is no dead letter '{id}'.")
{
    public string Id { get; } = id;
}

/// <summary>The dead letter's state forbids the decision (already resubmitted, or already ignored).</summary>
public sealed class DeadLetterConflictException(DeadLetteredMessage letter, string message) : InvalidOperationException(message)
{
    /// <summary>The dead letter as it stood when the decision was refused.</summary>
    public DeadLetteredMessage Letter { get; } = letter;
}

/// <summary>An edited body that may not replace the dead letter's body; <see cref="Problem"/> says which field and why.</summary>
public sealed class DeadLetterEditRejectedException(DeadLetterEditProblem problem) : ArgumentException(problem.Message, problem.Field)
{
    public DeadLetterEditProblem Problem { get; } = problem;
}
