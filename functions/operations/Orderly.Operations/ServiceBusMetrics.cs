using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Settings;

namespace Orderly.Operations;

/// <summary>One queue's or topic's depth: messages waiting and dead letters (a topic's are its subscriptions' together).</summary>
public sealed record EntityDepth(string Entity, long Active, long DeadLettered);

/// <summary>What <c>GET /api/admin/queue-depths</c> answers: each entity's depth, and the minute Azure Monitor measured it.</summary>
public sealed record QueueDepths(DateTimeOffset? MeasuredAt, string Source, IReadOnlyList<EntityDepth> Depths);

/// <summary>A bearer token for Azure Resource Manager (<see cref="ServiceBusMetrics.TokenScope"/>), from the app's identity.</summary>
public delegate ValueTask<string> ManagementToken(CancellationToken cancellationToken);

/// <summary>Azure Monitor refused or failed the metrics read; <see cref="Status"/> is its HTTP status (0: not reached).</summary>
public sealed class MetricsUnavailableException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// The Service Bus namespace's queue and topic depths from Azure Monitor metrics (<c>ActiveMessages</c>,
/// <c>DeadletteredMessages</c>, split by the <c>EntityName</c> dimension), over plain REST with the app's identity: Monitoring
/// Reader on the namespace is enough, where the Service Bus administration API would need Manage (docs/azure-shell.md,
/// "The operations app"). Azure Monitor reports per queue and per topic, not per subscription, about a minute behind.
/// </summary>
public sealed class ServiceBusMetrics(HttpClient http, ManagementToken token, string namespaceId, TimeProvider time)
{
    /// <summary>The setting naming the namespace (its full resource id; Bicep sets it).</summary>
    public const string NamespaceIdKey = "Operations:ServiceBusNamespaceId";

    /// <summary>The Metrics - List API version read here (azure-rest-api-specs, Microsoft.Insights stable/2023-10-01).</summary>
    public const string ApiVersion = "2023-10-01";

    /// <summary>The scope a token for Azure Resource Manager is asked for.</summary>
    public const string TokenScope = "https://management.azure.com/.default";

    /// <summary>The named client the reads go out on.</summary>
    public const string ClientName = "orderly-azure-monitor";

    public const string ActiveMessages = "ActiveMessages";
    public const string DeadletteredMessages = "DeadletteredMessages";
    public const string EntityNameDimension = "EntityName";

    /// <summary>The window asked for: the metrics are per minute and the last one is often still empty.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private static readonly Uri Management = new("https://management.azure.com/");

    /// <summary>The request: both metrics, each entity's series (<c>EntityName eq '*'</c>), the maximum of each minute of the window.</summary>
    public Uri RequestUri()
    {
        var now = time.GetUtcNow();
        var timespan = $"{Iso(now - Window)}/{Iso(now)}";
        // top: how many series per metric (the default is 10); the topology has 7 queues and topics.
        return new Uri(Management, namespaceId.TrimStart('/') + "/providers/Microsoft.Insights/metrics"
            + $"?api-version={ApiVersion}&metricnames={ActiveMessages},{DeadletteredMessages}&aggregation=Maximum&interval=PT1M"
            + $"&timespan={Uri.EscapeDataString(timespan)}&$filter={Uri.EscapeDataString($"{EntityNameDimension} eq '*'")}&top=100");
    }

    /// <summary>Reads the depths now; throws <see cref="MetricsUnavailableException"/> when Azure Monitor does not answer them.</summary>
    public async Task<QueueDepths> ReadAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RequestUri());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token(cancellationToken).ConfigureAwait(false));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage answer;
        try
        {
            answer = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new MetricsUnavailableException(0, $"Azure Monitor could not be reached ({e.Message}).");
        }
        using (answer)
        {
            var body = await answer.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!answer.IsSuccessStatusCode)
            {
                // An ARM error is { "error": { "code", "message" } }; 403 AuthorizationFailed: the role is missing.
                throw new MetricsUnavailableException((int)answer.StatusCode,
                    $"Azure Monitor answered {(int)answer.StatusCode}: {ErrorOf(body)}");
            }
            using var document = JsonDocument.Parse(body);
            return Parse(document.RootElement);
        }
    }

    /// <summary>
    /// The depths in a Metrics - List answer: each metric's series per <c>EntityName</c> (the dimension's name comes back in any
    /// case), and in each the last minute that has a value. An entity missing from one metric counts 0 there.
    /// </summary>
    public static QueueDepths Parse(JsonElement answer)
    {
        var active = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var dead = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        DateTimeOffset? measured = null;
        foreach (var metric in Array(answer, "value"))
        {
            var name = metric.TryGetProperty("name", out var n) && n.TryGetProperty("value", out var v) ? v.GetString() : null;
            var into = string.Equals(name, ActiveMessages, StringComparison.OrdinalIgnoreCase) ? active
                : string.Equals(name, DeadletteredMessages, StringComparison.OrdinalIgnoreCase) ? dead
                : null;
            if (into is null) continue;
            foreach (var series in Array(metric, "timeseries"))
            {
                if (EntityOf(series) is not { } entity) continue;
                if (LastValue(series) is not var (at, value)) continue;
                into[entity] = value;
                if (measured is null || at > measured) measured = at;
            }
        }
        var depths = active.Keys.Union(dead.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)
            .Select(e => new EntityDepth(e, active.GetValueOrDefault(e), dead.GetValueOrDefault(e))).ToList();
        return new QueueDepths(measured, "azure-monitor", depths);
    }

    private static string? EntityOf(JsonElement series)
    {
        foreach (var dimension in Array(series, "metadatavalues"))
        {
            if (dimension.TryGetProperty("name", out var n) && n.TryGetProperty("value", out var v)
                && string.Equals(v.GetString(), EntityNameDimension, StringComparison.OrdinalIgnoreCase)
                && dimension.TryGetProperty("value", out var entity))
            {
                return entity.GetString();
            }
        }
        return null;
    }

    private static (DateTimeOffset At, long Value)? LastValue(JsonElement series)
    {
        (DateTimeOffset, long)? last = null;
        foreach (var point in Array(series, "data"))
        {
            if (!point.TryGetProperty("maximum", out var max) || max.ValueKind != JsonValueKind.Number) continue;
            if (!point.TryGetProperty("timeStamp", out var stamp) || !stamp.TryGetDateTimeOffset(out var at)) continue;
            last = (at, (long)Math.Round(max.GetDouble()));
        }
        return last;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : default;

    private static string ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error))
                return $"{error.GetProperty("code").GetString()}: {error.GetProperty("message").GetString()}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }
        return body.Length > 300 ? body[..300] + "…" : body;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// Registers the reader when <see cref="NamespaceIdKey"/> is set (a value that is no Service Bus namespace id stops the app,
    /// naming the setting); without it the depths route answers 404 saying what to set.
    /// </summary>
    public static IServiceCollection AddServiceBusMetrics(IServiceCollection services, IConfiguration configuration, ManagementToken token)
    {
        var namespaceId = configuration.ReadString(NamespaceIdKey, "");
        if (namespaceId.Length == 0) return services;
        if (!namespaceId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase)
            || !namespaceId.Contains("/providers/Microsoft.ServiceBus/namespaces/", StringComparison.OrdinalIgnoreCase))
        {
            throw SettingReader.Refuse(configuration, NamespaceIdKey,
                "is not a Service Bus namespace's resource id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ServiceBus/namespaces/<name>)");
        }
        services.AddHttpClient(ClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(sp => new ServiceBusMetrics(sp.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName), token, namespaceId,
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
