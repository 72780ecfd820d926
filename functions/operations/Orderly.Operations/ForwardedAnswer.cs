using Microsoft.AspNetCore.Http;

namespace Orderly.Operations;

/// <summary>
/// Another app's answer to a forwarded read, handed to the console as it came: status, body and the headers that say what it is,
/// plus <see cref="AnsweredByHeader"/> naming the app, so the page tells that app's refusal of a token from this app's own.
/// </summary>
public sealed class ForwardedAnswer(string app, int status, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body) : IResult
{
    /// <summary>The header naming the app that answered (a 401 with it is that app's; the console keeps the operator signed in).</summary>
    public const string AnsweredByHeader = "X-Orderly-Answered-By";

    /// <summary>The headers passed back: what the body is, why a token was refused, when to ask again, and the trail's id.</summary>
    public static IReadOnlyList<string> PassedHeaders { get; } = ["Content-Type", "WWW-Authenticate", "Retry-After", "X-Correlation-Id"];

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.Headers[AnsweredByHeader] = app;
        foreach (var (name, value) in headers) response.Headers.Append(name, value);
        if (body.Length > 0) await response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
