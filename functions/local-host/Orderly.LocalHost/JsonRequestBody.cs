using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orderly.LocalHost;

/// <summary>
/// Reads the body of a state-changing admin request: <c>application/json</c> only (charset utf-8 if one is named), so no
/// cross-site form can post one, and at most a route's limit. Never a 5xx for what a client sends.
/// </summary>
public static class JsonRequestBody
{
    /// <summary>The body (empty when there is none), or why it is refused: 415 not JSON, 413 too large, 400 a broken transfer.</summary>
    public static async Task<(ReadOnlyMemory<byte> Body, ProblemHttpResult? Refused)> ReadAsync(HttpRequest request, int maxBytes,
        CancellationToken cancellationToken)
    {
        // Content-Length: 0 (or no body at all) needs no media type; a chunked body does.
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return (ReadOnlyMemory<byte>.Empty, null);
        if (!IsJson(request.ContentType))
        {
            return (default, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body must be application/json.",
                detail: $"Content-Type '{request.ContentType}' is not accepted here; send application/json."));
        }
        if (request.ContentLength > maxBytes) return (default, TooLarge(maxBytes));
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes) return (default, TooLarge(maxBytes));
                buffer.Write(chunk, 0, read);
            }
            return (buffer.ToArray(), null);
        }
        catch (BadHttpRequestException e)
        {
            return (default, TypedResults.Problem(statusCode: e.StatusCode, title: "The request body could not be read.", detail: e.Message));
        }
    }

    private static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.",
            detail: $"This route takes at most {maxBytes / 1024} KB.");
}
