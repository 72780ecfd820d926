using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orderly.Hosting.Access;
using Orderly.Embedded.Broker;
using Orderly.Messaging;

namespace Orderly.LocalHost;

/// <summary>
/// Dead-letter triage over HTTP: list, inspect, resubmit (optionally with an edited body) or mark ignored with a note.
/// Only the <see cref="IDeadLetterQueue"/> port is used, so the same routes would serve a Service Bus back end.
/// </summary>
public static class DeadLetterEndpoints
{
    private const string Tag = "admin";

    /// <summary>Maps the triage routes under <c>/api/admin/dead-letters</c>.</summary>
    public static IEndpointRouteBuilder MapDeadLetterTriage(this IEndpointRouteBuilder routes)
    {
        // Operators only; an edited envelope may be large, a note small (each route's limit below).
        var api = routes.MapGroup("/api/admin/dead-letters").WithTags(Tag).RequirePolicy(RoutePolicy.For(Roles.Operator).WithBody(256 * 1024));
        api.MapGet("", List).WithName("ListDeadLetters")
            .WithSummary("Dead letters, oldest first; filter with ?entity= and ?status=Pending|Resubmitted|Ignored.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesValidationProblem();
        api.MapGet("/{id}", Show).WithName("ShowDeadLetter")
            .WithSummary("One dead letter with its body, properties, reason and triage history.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/resubmit", Resubmit).WithName("ResubmitDeadLetter")
            .WithSummary("Sends the message again to its queue or subscription under a new message id; a request body replaces the message body.")
            .Produces(StatusCodes.Status202Accepted, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id}/ignore", Ignore).WithName("IgnoreDeadLetter")
            .WithSummary("Marks the dead letter as looked at and deliberately left: { note }.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    public static async Task<IResult> List(HttpRequest request, string? entity, string? status, CancellationToken cancellationToken)
    {
        DeadLetterStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<DeadLetterStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["Pending, Resubmitted or Ignored."] });
            filter = parsed;
        }
        var queue = request.HttpContext.RequestServices.GetRequiredService<IDeadLetterQueue>();
        var letters = await queue.ListAsync(string.IsNullOrEmpty(entity) ? null : entity, filter, cancellationToken);
        return TypedResults.Ok(letters.Select(Summary).ToList());
    }

    public static async Task<IResult> Show(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var queue = request.HttpContext.RequestServices.GetRequiredService<IDeadLetterQueue>();
        if (await queue.ShowAsync(id, cancellationToken) is not { } letter) return NotFound(id);
        var view = Summary(letter);
        view["properties"] = new JsonObject(letter.Properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
        view["body"] = BodyOf(letter.Body);
        if (queue is EmbeddedDeadLetterQueue embedded)
        {
            var history = await embedded.HistoryAsync(id, cancellationToken);
            view["history"] = new JsonArray(history.Select(h => (JsonNode)new JsonObject
            {
                ["at"] = h.At, ["status"] = h.Status.ToString(), ["note"] = h.Note, ["resubmittedAsMessageId"] = h.ResubmittedAsMessageId,
            }).ToArray());
        }
        return TypedResults.Ok(view);
    }

    public static async Task<IResult> Resubmit(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var queue = request.HttpContext.RequestServices.GetRequiredService<IDeadLetterQueue>();
        if (await queue.ShowAsync(id, cancellationToken) is not { } letter) return NotFound(id);
        if (letter.Status == DeadLetterStatus.Resubmitted) return AlreadyResubmitted(letter);

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        // No body = resend as it was. Careful: a bare null here would convert through byte[] into an EMPTY, non-null memory.
        ReadOnlyMemory<byte>? edited = null;
        if (buffer.Length > 0) edited = buffer.ToArray();
        try
        {
            var messageId = await queue.ResubmitAsync(id, edited, cancellationToken);
            return TypedResults.Accepted($"/api/admin/dead-letters/{id}", new { id, status = "Resubmitted", resubmittedAsMessageId = messageId, edited = edited is not null });
        }
        catch (InvalidOperationException e)
        {
            // A concurrent resubmit won the race.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already resubmitted", detail: e.Message);
        }
    }

    public static async Task<IResult> Ignore(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        string? note = null;
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON object { note } is required."] });
            if (json.RootElement.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String) note = n.GetString();
        }
        catch (JsonException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON object { note } is required."] });
        }
        if (string.IsNullOrWhiteSpace(note) || note.Length > 2000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["note"] = ["Say why the message is left (1–2000 characters)."] });

        var queue = request.HttpContext.RequestServices.GetRequiredService<IDeadLetterQueue>();
        if (await queue.ShowAsync(id, cancellationToken) is not { } letter) return NotFound(id);
        if (letter.Status == DeadLetterStatus.Resubmitted) return AlreadyResubmitted(letter);
        try
        {
            await queue.MarkIgnoredAsync(id, note, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already resubmitted", detail: e.Message);
        }
        return TypedResults.Ok(new { id, status = "Ignored", note });
    }

    private static JsonObject Summary(DeadLetteredMessage letter) => new()
    {
        ["id"] = letter.Id,
        ["entity"] = letter.Entity,
        ["messageId"] = letter.MessageId,
        ["type"] = TypeOf(letter.Body),
        ["reason"] = letter.Reason,
        ["description"] = letter.Description,
        ["deliveryCount"] = letter.DeliveryCount,
        ["firstFailureAt"] = letter.FirstFailureAt,
        ["lastFailureAt"] = letter.LastFailureAt,
        ["status"] = letter.Status.ToString(),
        ["note"] = letter.Note,
        ["resubmittedAsMessageId"] = letter.ResubmittedAsMessageId,
    };

    /// <summary>The CloudEvents type, when the body is JSON enough to have one (a malformed body is exactly what lands here).</summary>
    private static string? TypeOf(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The body as JSON when it parses, else as the text it is (so the operator sees what was wrong with it).</summary>
    private static JsonNode? BodyOf(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonNode.Parse(body.Span);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(body.Span));
        }
    }

    private static IResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such dead letter", detail: $"There is no dead letter '{id}'.");

    private static IResult AlreadyResubmitted(DeadLetteredMessage letter) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already resubmitted",
            detail: $"Dead letter '{letter.Id}' was resubmitted as message '{letter.ResubmittedAsMessageId}'.");
}
