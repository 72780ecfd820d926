using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.Operations;

/// <summary>
/// What the console page asks its host first (<c>GET /console/config.json</c>), in both hosts: which mode it runs in, whether
/// it may fetch a dev token (only the local host issues them), and, in Azure, the Application Insights resource whose logs a
/// trace id links to (the page builds that link itself: the query it opens is compressed in the browser).
/// </summary>
public sealed record ConsoleConfig(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("devSignIn")] bool DevSignIn,
    [property: JsonPropertyName("appInsightsResourceId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AppInsightsResourceId)
{
    /// <summary>The setting naming the Application Insights resource the apps send telemetry to (its full resource id).</summary>
    public const string AppInsightsResourceIdKey = "Console:AppInsightsResourceId";

    /// <summary>The console as the local host serves it: a dev sign-in when its issuer is on, and trace ids without a link.</summary>
    public static ConsoleConfig ForEmbedded(bool devSignIn) => new("embedded", devSignIn, null);

    /// <summary>
    /// The console as the operations Function App serves it: no dev sign-in (tokens come from Entra ID), and trace links into the
    /// resource named by <see cref="AppInsightsResourceIdKey"/> when it is set (none otherwise: the page shows bare trace ids).
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
        return new("azure", false, resourceId);
    }
}
