using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;
using Orderly.Messaging;

namespace Orderly.Hosting.DeadLetters;

/// <summary>
/// Dead-letter triage over HTTP: list, inspect (with the trail; payment tokens masked), resubmit (optionally with an edited
/// envelope) or mark ignored with a note. Every decision is recorded with the caller's subject. Only the
/// <see cref="IDeadLetterQueue"/> port is used, so the same routes would serve a Service Bus back end.
/// </summary>
public static class DeadLetterEndpoints
{
    /// <summary>The largest edited envelope a resubmit takes (Service Bus Standard's message size).</summary>
    public const int MaxResubmitBytes = 256 * 1024;

    /// <summary>The largest ignore body ({ note } with at most <see cref="DeadLetterTriage.MaxNoteLength"/> characters).</summary>
    public const int MaxIgnoreBytes = 4 * 1024;

    /// <summary>The longest entity name a filter takes (Service Bus allows 260 characters in a path).</summary>
    public const int MaxEntityNameLength = 260;

    /// <summary>The most dead letters one bulk resubmit sends (a larger backlog is sent by calling again).</summary>
    public const int MaxBulkResubmit = 100;

    /// <summary>The largest bulk resubmit body: a filter, a cap and a note.</summary>
    public const int MaxBulkBodyBytes = 8 * 1024;

    private const string Tag = "admin";

    /// <summary>Maps the triage routes under <c>/api/admin/dead-letters</c>.</summary>
    public static IEndpointRouteBuilder MapDeadLetterTriage(this IEndpointRouteBuilder routes)
    {
        // Operators only; an edited envelope may be large, a note small (each route's limit below).
        var api = routes.MapGroup("/api/admin/dead-letters").WithTags(Tag).RequirePolicy(RoutePolicy.For(Roles.Operator).WithBody(MaxResubmitBytes));
        api.MapGet("", List).WithName("ListDeadLetters")
            .WithSummary("Dead letters, oldest first; filter with ?entity=, ?status=Pending|Resubmitted|Ignored, ?reason= (a case-insensitive " +
                "piece of the reason or description) and ?minAgeSeconds= / ?maxAgeSeconds= (whole seconds since it was dead-lettered, 0–31622400).");
        api.MapPost("/resubmit", ResubmitMatching).WithName("ResubmitDeadLetters")
            .RequirePolicy(RoutePolicy.For(Roles.Operator).WithBody(MaxBulkBodyBytes))
            .WithSummary("Resubmits, as they were, the dead letters a filter matches, oldest first, at most 'max' per call (1–100, default 100): " +
                "application/json { entity?, status? (Pending or Ignored; Pending by default), reason?, minAgeSeconds?, maxAgeSeconds?, max?, note? }, " +
                "the list's filters under the same names, at least one of them (400 naming 'filter' otherwise). Answers what it resubmitted, what it skipped (decided meanwhile) and whether more match.")
            .Accepts<DeadLetterBulkResubmit>("application/json")
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/{id}", Show).WithName("ShowDeadLetter")
            .WithSummary("One dead letter with its body, properties, reason and trail (who resubmitted or ignored it, when, why, and the " +
                "original and edited bodies). Every paymentToken in a body is masked to its first 4 characters + '…'.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/resubmit", Resubmit).WithName("ResubmitDeadLetter")
            .WithSummary("Sends the message again to its queue or subscription under a new message id, once. Without a body it goes as it was; " +
                "an application/json body is the WHOLE new envelope (CloudEvents JSON, at most 256 KB) and replaces the message body. " +
                "Its type must be the original's (422 naming 'type'); a malformed original may be replaced by any envelope with a string type. " +
                "A paymentToken left masked as the view shows it is sent with its real value. An ignored dead letter may still be " +
                "resubmitted. ?note= goes into the trail.")
            .Accepts<DeadLetterEnvelope>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/{id}/ignore", Ignore).WithName("IgnoreDeadLetter").RequirePolicy(RoutePolicy.For(Roles.Operator).WithBody(MaxIgnoreBytes))
            .WithSummary("Marks a pending dead letter as looked at and deliberately left: application/json { note } (1–2000 characters, " +
                "body at most 4 KB). Ignoring twice, or after a resubmit, is a 409: a note is never replaced.")
            .Accepts<DeadLetterIgnore>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return routes;
    }

    public static async Task<Results<Ok<List<DeadLetterSummaryView>>, ValidationProblem>> List(IDeadLetterQueue queue, TimeProvider time,
        string? entity, string? status, string? reason, string? minAgeSeconds, string? maxAgeSeconds, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var filter = DeadLetterFilter.FromQuery(entity, status, reason, minAgeSeconds, maxAgeSeconds, errors);
        if (errors.Any) return errors.ToProblem();
        var letters = await MatchingAsync(queue, filter, time, cancellationToken);
        return TypedResults.Ok(letters.Select(DeadLetterSummaryView.Of).ToList());
    }

    /// <summary>
    /// <c>POST /api/admin/dead-letters/resubmit</c>: each matching letter goes as it was, one by one, recorded like a single
    /// resubmit; one decided by someone else meanwhile is skipped with the reason, never sent twice.
    /// </summary>
    public static async Task<Results<Ok<DeadLetterBulkResubmitted>, ValidationProblem, ProblemHttpResult>> ResubmitMatching(
        HttpRequest request, IDeadLetterQueue queue, TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body.Refusal is { } refused) return refused;
        var fields = body.Fields;
        var filter = DeadLetterFilter.FromBody(body.Root, fields);
        var max = fields.Int(body.Root, "max", 1, MaxBulkResubmit, required: false) ?? MaxBulkResubmit;
        var note = fields.Text(body.Root, "note", DeadLetterTriage.MaxNoteLength, required: false);
        if (note is not null && !IsGoodNote(note, required: false)) fields.Errors.Add("note", $"Say why, in 1–{DeadLetterTriage.MaxNoteLength} characters of text.");
        if (filter.Status == DeadLetterStatus.Resubmitted) fields.Errors.Add("status", "status must be Pending or Ignored: a resubmitted letter is not sent again.");
        // Every dead letter at once is never a default: the caller names what it means, if only { "status": "Pending" }.
        if (filter == new DeadLetterFilter(null, null, null, null, null) && !fields.Errors.Any)
            fields.Errors.Add("filter", "Name at least one of entity, status, reason, minAgeSeconds, maxAgeSeconds.");
        if (fields.Errors.Any) return fields.Errors.ToProblem();

        var matching = await MatchingAsync(queue, filter with { Status = filter.Status ?? DeadLetterStatus.Pending }, time, cancellationToken);
        var actor = ActorOf(user);
        var sent = new List<DeadLetterResubmitted>();
        var skipped = new List<DeadLetterSkipped>();
        foreach (var letter in matching.Take(max))
        {
            try
            {
                var messageId = await queue.ResubmitAsync(letter.Id, actor, null, note, cancellationToken);
                sent.Add(new DeadLetterResubmitted(letter.Id, "Resubmitted", messageId, Edited: false));
            }
            catch (Exception e) when (e is DeadLetterConflictException or DeadLetterNotFoundException)
            {
                skipped.Add(new DeadLetterSkipped(letter.Id, e.Message));
            }
        }
        return TypedResults.Ok(new DeadLetterBulkResubmitted(matching.Count, sent, skipped, More: matching.Count > max));
    }

    /// <summary>The letters the filter matches, oldest first: entity and status through the port, reason and age here.</summary>
    private static async Task<List<DeadLetteredMessage>> MatchingAsync(IDeadLetterQueue queue, DeadLetterFilter filter, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var letters = await queue.ListAsync(filter.Entity, filter.Status, cancellationToken);
        return letters.Where(l => filter.Matches(l, now)).ToList();
    }

    public static async Task<Results<Ok<DeadLetterDetailView>, ProblemHttpResult>> Show(IDeadLetterQueue queue, string id,
        CancellationToken cancellationToken)
    {
        if (await queue.ShowAsync(id, cancellationToken) is not { } letter) return NotFound(id);
        var trail = await queue.TrailAsync(id, cancellationToken);
        return TypedResults.Ok(DeadLetterDetailView.Of(letter, trail));
    }

    public static async Task<Results<Accepted<DeadLetterResubmitted>, ValidationProblem, ProblemHttpResult>> Resubmit(
        HttpRequest request, IDeadLetterQueue queue, ClaimsPrincipal user, string id, string? note, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadOptionalObjectAsync(request, cancellationToken);
        if (body?.Refusal is { } refused) return refused;
        var errors = new FieldErrors();
        var why = QueryValue.Single(note, "note", DeadLetterTriage.MaxNoteLength, errors, required: false);
        if (errors.Any || !IsGoodNote(why, required: false)) return BadNote();

        if (await queue.ShowAsync(id, cancellationToken) is not { } letter) return NotFound(id);
        if (letter.Status == DeadLetterStatus.Resubmitted) return Conflict(letter.Id, $"Dead letter '{letter.Id}' was already resubmitted as message '{letter.ResubmittedAsMessageId}'.");
        // No body = resend as it was. Careful: a bare null here would convert through byte[] into an EMPTY, non-null memory.
        ReadOnlyMemory<byte>? edited = body is null ? default(ReadOnlyMemory<byte>?) : body.Raw;
        if (edited is { } envelope)
        {
            if (DeadLetterTriage.CheckEdit(letter, envelope) is { } problem) return EditRefused(problem);
            edited = MaskedBody.RestoreTokens(envelope, letter.Body); // a token left as the view showed it goes with its real value
        }
        try
        {
            var messageId = await queue.ResubmitAsync(id, ActorOf(user), edited, why, cancellationToken);
            return TypedResults.Accepted($"/api/admin/dead-letters/{id}", new DeadLetterResubmitted(id, "Resubmitted", messageId, edited is not null));
        }
        catch (DeadLetterNotFoundException)
        {
            return NotFound(id);
        }
        catch (DeadLetterConflictException e)
        {
            return Conflict(id, e.Message); // a concurrent decision won the race
        }
        catch (DeadLetterEditRejectedException e)
        {
            return EditRefused(e.Problem); // an adapter's own edit rule
        }
    }

    public static async Task<Results<Ok<DeadLetterIgnored>, ValidationProblem, ProblemHttpResult>> Ignore(
        HttpRequest request, IDeadLetterQueue queue, ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body.Refusal is { } refused) return refused;
        var note = body.Fields.Text(body.Root, "note", DeadLetterTriage.MaxNoteLength);
        if (body.Fields.Errors.Any || note is null || !IsGoodNote(note, required: true)) return BadNote();

        try
        {
            await queue.MarkIgnoredAsync(id, ActorOf(user), note, cancellationToken);
        }
        catch (DeadLetterNotFoundException)
        {
            return NotFound(id);
        }
        catch (DeadLetterConflictException e)
        {
            return Conflict(id, e.Message);
        }
        return TypedResults.Ok(new DeadLetterIgnored(id, "Ignored", note));
    }

    /// <summary>Who decides: the operator the access gate admitted (the token's subject).</summary>
    private static string ActorOf(ClaimsPrincipal user) => user.SubjectOf() ?? throw new InvalidOperationException("The access gate admits only operators here.");

    /// <summary>A malformed edit is a 400 naming the body; a readable one that breaks a rule (its type, its id) a 422 naming that field.</summary>
    private static ProblemHttpResult EditRefused(DeadLetterEditProblem problem)
    {
        var malformed = problem.Field == "body";
        return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] })
        {
            Status = malformed ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity,
            Title = malformed ? "The request has invalid fields." : "The edited envelope cannot replace this message.",
        });
    }

    /// <summary>The one rule for a decision's note, whether it comes in the query (resubmit) or the body (ignore).</summary>
    private static bool IsGoodNote(string? note, bool required) =>
        string.IsNullOrWhiteSpace(note) ? !required : note.Length <= DeadLetterTriage.MaxNoteLength && DeadLetterTriage.IsWellFormed(note);

    private static ValidationProblem BadNote() =>
        Invalid("note", $"Say why, in 1–{DeadLetterTriage.MaxNoteLength} characters of text (valid UTF-8, no lone surrogates).");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request has invalid fields.");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such dead letter", detail: $"There is no dead letter '{id}'.");

    private static ProblemHttpResult Conflict(string id, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dead letter was already decided", detail: detail,
            extensions: new Dictionary<string, object?> { ["id"] = id });
}
