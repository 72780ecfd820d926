using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.Operations;

/// <summary>
/// What the console page asks its host first (<c>GET /console/config.json</c>): which mode it runs in, whether it may fetch a
/// dev token (only the local host issues them), and the link template, <c>{traceId}</c> to be replaced, that opens one
/// order's trace in the telemetry tool (in Azure: Application Insights' end-to-end transaction view).
/// </summary>
public sealed record ConsoleConfig(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("devSignIn")] bool DevSignIn,
    [property: JsonPropertyName("transactionUrl")] string? TransactionUrl)
{
    /// <summary>The setting naming the Application Insights resource the apps send telemetry to (its full resource id).</summary>
    public const string AppInsightsResourceIdKey = "Console:AppInsightsResourceId";

    /// <summary>The placeholder the page replaces with an order's trace id (= Application Insights' operation id).</summary>
    public const string TraceIdPlaceholder = "{traceId}";

    /// <summary>
    /// The console as the operations Function App serves it: no dev sign-in (tokens come from Entra ID), and a transaction link
    /// when <see cref="AppInsightsResourceIdKey"/> is set (null otherwise: the page shows the trace id without a link).
    /// </summary>
    public static ConsoleConfig ForAzure(IConfiguration configuration)
    {
        var resourceId = configuration.ReadString(AppInsightsResourceIdKey, "");
        if (resourceId.Length == 0) return new("azure", false, null);
        if (!resourceId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase)
            || !resourceId.Contains("/providers/microsoft.insights/components/", StringComparison.OrdinalIgnoreCase))
        {
            throw new SettingException("Console__AppInsightsResourceId",
                $"Console__AppInsightsResourceId is '{resourceId}'; it must be an Application Insights resource id " +
                "(/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Insights/components/<name>).");
        }
        return new("azure", false, TransactionUrlFor(resourceId));
    }

    /// <summary>
    /// The portal's end-to-end transaction view of one operation in one Application Insights resource. With OpenTelemetry the
    /// operation id is the W3C trace id, which the checkout status and every log line carry.
    /// </summary>
    public static string TransactionUrlFor(string appInsightsResourceId) =>
        "https://portal.azure.com/#view/AppInsightsExtension/DetailsV2Blade/ComponentId~/"
        + Uri.EscapeDataString($$"""{"ResourceId":"{{appInsightsResourceId}}"}""")
        + "/DataModel~/" + Uri.EscapeDataString("{\"eventId\":\"") + TraceIdPlaceholder + Uri.EscapeDataString("\"}");
}
