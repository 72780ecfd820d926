using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Orderly.Hosting.Access;

namespace Orderly.Hosting.Http;

/// <summary>
/// A request's JSON body, read the one way every endpoint reads it: <c>application/json</c> only (415), at most the route's
/// body limit (413, counted while reading, so nothing larger is buffered), valid JSON (400), no property twice in an object
/// (400 naming it: parsers disagree on which value wins), and no string that is not valid Unicode (400 naming the field).
/// Property names are matched exactly, as written in the contracts (camelCase); properties nobody reads are ignored.
/// </summary>
public sealed class JsonBody : IDisposable
{
    private const int MaxDepth = 32;
    private readonly JsonDocument? _document;

    private JsonBody(JsonDocument? document, ProblemHttpResult? refusal, ReadOnlyMemory<byte> raw = default)
    {
        _document = document;
        Refusal = refusal;
        Raw = raw;
    }

    /// <summary>The body as it came, once it passed every check (for a route that stores or forwards it whole).</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>Why the body was refused (400, 413, 415), or null when <see cref="Root"/> is a JSON object.</summary>
    public ProblemHttpResult? Refusal { get; }

    /// <summary>The body's top-level object.</summary>
    public JsonElement Root => _document?.RootElement ?? throw new InvalidOperationException("The body was refused: " + Refusal?.ProblemDetails.Detail);

    /// <summary>A reader of <see cref="Root"/>'s fields that collects every bad one.</summary>
    public FieldReader Fields { get; } = new();

    /// <summary>Reads the body of <paramref name="request"/> as one JSON object, within the limit the access gate noted for the route.</summary>
    public static async Task<JsonBody> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var policy = request.HttpContext.Features.Get<RoutePolicy>();
        var limit = policy?.MaxBodyBytes ?? RoutePolicy.DefaultMaxBodyBytes;
        if (!IsJson(request.ContentType))
            return Refused(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json.");
        if (request.ContentLength > limit) return new(null, AccessGate.BodyTooLarge(policy ?? RoutePolicy.Anyone));

        byte[]? bytes;
        try
        {
            bytes = await ReadAtMostAsync(request.Body, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            bytes = null; // the server's own limit (set by the gate) stopped a body without a length
        }
        if (bytes is null) return new(null, AccessGate.BodyTooLarge(policy ?? RoutePolicy.Anyone));
        if (bytes.Length == 0) return Invalid("body", "A JSON object is required.");

        if (Inspect(bytes) is { } bad) return Invalid(bad.Path, bad.Message);
        var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return Invalid("body", "The body must be a JSON object.");
        }
        return new(document, null, bytes);
    }

    /// <summary>Like <see cref="ReadObjectAsync"/>, for a route whose body may be left out: null when the request has none.</summary>
    public static async Task<JsonBody?> ReadOptionalObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var none = request.ContentLength == 0
                   || (request.ContentLength is null && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false });
        return none ? null : await ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _document?.Dispose();

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var charset = media.Charset.Value;
        if (charset is not null && !string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)) return false;
        return media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || (media.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The whole body when it has at most <paramref name="limit"/> bytes, else null (having read one byte past the limit, no more).</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(Math.Min(limit + 1, 16 * 1024));
        while (true)
        {
            var free = output.GetMemory(4096);
            var read = await body.ReadAsync(free[..Math.Min(free.Length, limit + 1 - output.WrittenCount)], cancellationToken).ConfigureAwait(false);
            if (read == 0) return output.WrittenSpan.ToArray();
            output.Advance(read);
            if (output.WrittenCount > limit) return null;
        }
    }

    /// <summary>One pass over the tokens: the first duplicate property or undecodable string, with its path; null when all is well.</summary>
    private static (string Path, string Message)? Inspect(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
        // Per open container: its path, the names seen (objects) or the next index (arrays).
        var paths = new Stack<string>();
        var names = new Stack<HashSet<string>?>();
        var indexes = new Stack<int>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var path = ValuePath(paths, indexes, ref property);
                        paths.Push(path);
                        names.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        indexes.Push(0);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        paths.Pop();
                        names.Pop();
                        indexes.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var at = paths.Peek();
                        if (!TryGetString(ref reader, out var name))
                            return (at.Length == 0 ? "body" : at, "A property name is not valid Unicode (a lone surrogate or invalid UTF-8).");
                        if (!names.Peek()!.Add(name))
                            return (Join(at, name), $"The property '{name}' appears more than once.");
                        property = name;
                        break;
                    case JsonTokenType.String:
                        var field = ValuePath(paths, indexes, ref property);
                        if (!TryGetString(ref reader, out _))
                            return (field.Length == 0 ? "body" : field, "The text is not valid Unicode (a lone surrogate or invalid UTF-8).");
                        break;
                    default:
                        ValuePath(paths, indexes, ref property);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return ("body", $"The body is not valid JSON: {e.Message}");
        }
        return null;
    }

    /// <summary>The path of the value being read, advancing the enclosing array's index.</summary>
    private static string ValuePath(Stack<string> paths, Stack<int> indexes, ref string? property)
    {
        if (paths.Count == 0) return "";
        var parent = paths.Peek();
        if (property is { } name)
        {
            property = null;
            return Join(parent, name);
        }
        var index = indexes.Pop();
        indexes.Push(index + 1);
        return $"{(parent.Length == 0 ? "body" : parent)}[{index}]";
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    private static bool TryGetString(ref Utf8JsonReader reader, out string value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }

    private static JsonBody Invalid(string field, string message) =>
        new(null, TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request has invalid fields.",
        }));

    private static JsonBody Refused(int status, string title, string detail) =>
        new(null, TypedResults.Problem(statusCode: status, title: title, detail: detail));
}
