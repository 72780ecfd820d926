using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Settings;

namespace Orderly.Operations;

/// <summary>
/// The console's reads of the other apps (docs/azure-shell.md, "The operations app"): a GET is sent on, with the operator's own
/// bearer token, to the app that serves it, and its answer comes back as it is. The operations app holds no credential of its
/// own for them: every app checks the token and the role itself.
/// </summary>
public sealed class AppReads(IHttpClientFactory clients, AppUrls urls)
{
    /// <summary>The named client the reads go out on (timeout and buffer cap set in <see cref="AddAppReads"/>).</summary>
    public const string ClientName = "orderly-app-reads";

    /// <summary>The setting bounding one forwarded read, in seconds (or hh:mm:ss).</summary>
    public const string TimeoutKey = "Operations:ReadTimeout";

    /// <summary>A read of the console is one screen: 10 s is long for a person and short enough to free the instance.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The largest answer kept in memory; a page of orders is a few kilobytes.</summary>
    public const long MaxAnswerBytes = 4 * 1024 * 1024;

    /// <summary>The request's headers sent on: the operator's token, and what ties the read into one trace and one correlation.</summary>
    public static IReadOnlyList<string> ForwardedHeaders { get; } = ["Authorization", "Accept", "X-Correlation-Id", "traceparent", "tracestate"];

    /// <summary>Sends <paramref name="request"/>'s GET, path and query unchanged, to <paramref name="app"/>.</summary>
    public Task<IResult> ForwardAsync(HttpRequest request, string app, CancellationToken ct) =>
        SendAsync(request, app, request.Path.ToUriComponent() + request.QueryString.ToUriComponent(), ct);

    /// <summary>
    /// <paramref name="context"/>'s own <c>/api/health</c> (each app answers for its store and its broker); a context the
    /// setting does not name is a 404 problem listing those it does.
    /// </summary>
    public Task<IResult> HealthAsync(HttpRequest request, string context, CancellationToken ct) =>
        urls.Of(context) is null || string.Equals(context, OperationsModule.Name, StringComparison.OrdinalIgnoreCase)
            ? Task.FromResult<IResult>(TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
                detail: $"No app named '{context}'; known: {string.Join(", ", urls.Apps.Where(a => a != OperationsModule.Name).Order(StringComparer.Ordinal))}."))
            : SendAsync(request, context, "/api/health", ct);

    private async Task<IResult> SendAsync(HttpRequest request, string app, string pathAndQuery, CancellationToken ct)
    {
        if (urls.Of(app) is not { } baseUrl)
        {
            return Unreachable(StatusCodes.Status502BadGateway, app,
                $"The {app} app's URL is not configured (setting {AppUrls.SettingName}).");
        }
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, pathAndQuery));
        foreach (var name in ForwardedHeaders)
        {
            if (request.Headers.TryGetValue(name, out var values)) message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        try
        {
            using var answer = await clients.CreateClient(ClientName).SendAsync(message, ct).ConfigureAwait(false);
            var body = await answer.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            return new ForwardedAnswer(app, (int)answer.StatusCode, HeadersOf(answer), body);
        }
        catch (HttpRequestException e)
        {
            return Unreachable(StatusCodes.Status502BadGateway, app, $"The {app} app could not be reached ({e.Message}).");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return Unreachable(StatusCodes.Status504GatewayTimeout, app, $"The {app} app did not answer in time.");
        }
    }

    private static List<KeyValuePair<string, string>> HeadersOf(HttpResponseMessage answer)
    {
        var passed = new List<KeyValuePair<string, string>>();
        foreach (var name in ForwardedAnswer.PassedHeaders)
        {
            HttpHeaders headers = name == "Content-Type" ? answer.Content.Headers : answer.Headers;
            if (headers.TryGetValues(name, out var values)) passed.AddRange(values.Select(v => KeyValuePair.Create(name, v)));
        }
        return passed;
    }

    private static IResult Unreachable(int status, string app, string detail) =>
        TypedResults.Problem(statusCode: status, title: status == StatusCodes.Status504GatewayTimeout ? "Gateway Timeout" : "Bad Gateway",
            detail: detail, extensions: new Dictionary<string, object?> { ["app"] = app });

    /// <summary>
    /// Registers the reads: the app URLs and the timeout from <paramref name="configuration"/> (a bad value stops the app, naming
    /// the setting), and a client that follows no redirect, so the operator's token goes only to the app's own URL.
    /// </summary>
    public static IServiceCollection AddAppReads(IServiceCollection services, IConfiguration configuration)
    {
        var timeout = configuration.ReadDuration(TimeoutKey, DefaultTimeout, least: TimeSpan.FromSeconds(1), most: TimeSpan.FromMinutes(1));
        services.AddSingleton(AppUrls.From(configuration));
        services.AddSingleton<AppReads>();
        services.AddHttpClient(ClientName, c =>
            {
                c.Timeout = timeout;
                c.MaxResponseContentBufferSize = MaxAnswerBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return services;
    }
}
